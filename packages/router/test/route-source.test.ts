import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter, waitFor } from "./helpers/router.ts";
import { get, startUpstream } from "./helpers/servers.ts";

test("keeps serving the last table while the controller is down, and resumes when it returns", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  await stub.stop();
  await waitFor(() => !r.router.routes.connected(), "the router to notice");
  await new Promise((resolve) => setTimeout(resolve, 150)); // a few failed reconnects
  t.is((await get(r.port, "shop.test.local")).body, "hello from web");

  await stub.start(); // same port
  stub.publish([route("shop", { upstreams: [web.address], maintenance: true })]);
  await waitFor(() => r.router.routes.current().version === 2, "version 2 after the controller returns");
  t.is((await get(r.port, "shop.test.local")).status, 503);
  t.is(stub.sinces.at(-1), 1, "reconnects with since=<the version it has>");
});

test("a restarted router serves from its disk cache with the controller down", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-router-cache-"));
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  t.teardown(async () => Promise.all([stub.stop(), web.close(), rm(dir, { recursive: true, force: true })]));
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const first = await startRouter(stub, { cacheDir: dir, waitForVersion: 1 });
  await first.stop();
  const cached = JSON.parse(await readFile(join(dir, "routes.json"), "utf8")) as { version: number };
  t.is(cached.version, 1);

  await stub.stop();
  const second = await startRouter(stub, { cacheDir: dir });
  t.teardown(() => second.stop());
  t.is(second.router.routes.current().version, 1, "the cached table is in place when start() returns");
  t.is((await get(second.port, "shop.test.local")).body, "hello from web");
  t.false(second.router.routes.connected());
});

test("ignores a corrupt cache file and says which file", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-router-cache-"));
  await writeFile(join(dir, "routes.json"), "{not json");
  const stub = await new ControllerStub().start();
  const r = await startRouter(stub, { cacheDir: dir });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), rm(dir, { recursive: true, force: true })]));

  const line = r.logs.lines.find((l) => l.msg === "ignored the route cache");
  t.truthy(line);
  t.regex(String((line!.fields.error as Error).message), /routes\.json is unreadable/);
});

test("never goes back to an older table", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 2 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  // the controller (e.g. a stale replica) now offers version 1 again
  await stub.stop();
  stub.table = { version: 1, routes: [] };
  await stub.start();
  await waitFor(() => r.router.routes.connected(), "reconnect");
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.is(r.router.routes.current().version, 2);
  t.is((await get(r.port, "shop.test.local")).status, 200);
});

test("logs a hint when the controller refuses the router key", async (t) => {
  const stub = await new ControllerStub("the-real-key").start();
  const r = await startRouter({ url: stub.url, key: "wrong" });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  await waitFor(() => r.logs.lines.some((l) => l.msg === "route stream unavailable; serving the last table"));
  const line = r.logs.lines.find((l) => l.msg === "route stream unavailable; serving the last table")!;
  t.regex((line.fields.error as Error).message, /401 .* check BERTH_ROUTER_KEY/);
});
