import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ControllerClient, ROUTER_KEY_HEADER } from "@berth/api";
import test from "ava";
import { loadControllerConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { RouteTableHub } from "../src/route-table/hub.ts";
import { startControllerRuntime } from "../src/runtime.ts";
import { shareChanges } from "../src/services/change-feed.ts";
import { ReleaseHub } from "../src/services/release-hub.ts";
import { eachBackend } from "./helpers/backend-test.ts";
import { freshPostgresDatabase } from "./helpers/backends.ts";
import { eventually } from "./helpers/eventually.ts";
import { lines } from "./helpers/route-watch.ts";
import { openTestStore } from "./helpers/test-store.ts";

const ROUTER_KEY = "replicas-router-key-0123456789abcdef";

/** One controller as `main.ts` runs it (no scheduler), over HTTP, on the shared database. */
async function controller(t: import("ava").ExecutionContext, databaseUrl: string) {
  const dataDir = await mkdtemp(join(tmpdir(), "berth-replica-"));
  const config = {
    ...loadControllerConfig({ HOME: dataDir, BERTH_DATA_DIR: dataDir, BERTH_SCHEDULER: "none", BERTH_ROUTER_KEY: ROUTER_KEY }),
    databaseUrl,
  };
  const runtime = await startControllerRuntime(config, silentLogger);
  const server = createServer(runtime.handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(async () => {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("two controllers on one PostgreSQL database: a router watching one gets the changes made through the other", async (t) => {
  const database = await freshPostgresDatabase();
  t.teardown(() => database.drop());
  const a = await controller(t, database.url);
  const b = await controller(t, database.url);
  const anonymous = new ControllerClient({ url: a });
  const alice = anonymous.withToken((await anonymous.auth.register({ username: "alice", password: "alice-password" })).token ?? "");
  await alice.apps.create("shop");
  const abort = new AbortController();
  t.teardown(() => abort.abort());
  const watch = await fetch(`${b}/v2/routes?watch=1`, { headers: { [ROUTER_KEY_HEADER]: ROUTER_KEY }, signal: abort.signal });
  const next = lines(watch);
  t.deepEqual(
    (await next()).routes.map((r) => r.app),
    ["shop"],
  );
  // Made through a, read from b's stream.
  await alice.domains.add("shop", "shop.example.org");
  const started = Date.now();
  const changed = await eventually(async () => {
    const table = await next();
    return table.routes.find((r) => r.app === "shop")?.hosts.includes("shop.example.org") ? table : undefined;
  }, "b's stream to carry the domain added through a");
  t.log(`b's router heard of a's change after ${Date.now() - started} ms`);
  t.truthy(changed);
  await alice.apps.create("blog");
  const later = await next();
  t.deepEqual(
    later.routes.map((r) => r.app),
    ["blog", "shop"],
  );
});

eachBackend("the change feed tells one controller's hubs of another's changes, and never echoes its own", async (t, backend) => {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const hubs = () => ({ routes: new RouteTableHub(), releases: new ReleaseHub() });
  const [a, b] = [hubs(), hubs()];
  const stops = [a, b].map((h) => shareChanges(store, h, silentLogger, { pollMs: 25 }));
  t.teardown(() => {
    for (const stop of stops) stop();
  });
  const heard = { a: 0, b: 0 };
  a.routes.subscribe(() => heard.a++);
  b.routes.subscribe(() => heard.b++);
  a.routes.changed();
  await eventually(async () => (heard.b === 1 ? true : undefined), "b to hear of a's route change");
  const waiting = b.releases.next("shop", AbortSignal.timeout(10_000));
  a.releases.changed("shop");
  const woke = Date.now();
  await waiting;
  t.true(Date.now() - woke < 9000, "b's release waiter woke before its wait ran out");
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.deepEqual(heard, { a: 1, b: 1 }, "each change told once, to the other one only: no echo back and forth");
});
