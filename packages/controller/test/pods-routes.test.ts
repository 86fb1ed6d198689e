import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, ControllerClient } from "@berth/api";
import test, { type ExecutionContext } from "ava";
import { createController } from "../src/http/app.ts";
import { silentLogger } from "../src/logger.ts";
import { RolloutDeployer } from "../src/rollout/rollout-deployer.ts";
import { FakeScheduler } from "./helpers/fake-scheduler.ts";
import { openTestStore, testBackends, type TestBackend } from "./helpers/test-store.ts";

/** A controller over a fake scheduler, served on 127.0.0.1, and a client logged in as its admin. */
async function serve(t: ExecutionContext, backend: TestBackend) {
  const store = await openTestStore(backend);
  t.teardown(() => store.close());
  const scheduler = new FakeScheduler();
  const deployer = new RolloutDeployer({ store, scheduler, logger: silentLogger }, { pollMs: 2, timeoutMs: 5000 });
  t.teardown(() => deployer.close());
  const { app } = createController({
    store,
    logger: silentLogger,
    deployer,
    settings: { registrationMode: "open", builderKey: "k".repeat(32), appUrlTemplate: "http://{app}.localhost" },
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { token } = await new ControllerClient({ url }).auth.register({ username: "ada", password: "correct horse" });
  const client = new ControllerClient({ url, token: token ?? "" });
  await client.apps.create("shop");
  return { client, deployer, scheduler, url, token: token ?? "" };
}

for (const backend of testBackends) {
  test(`${backend}: GET /pods lists the app's instances as the scheduler reports them`, async (t) => {
    const { client, deployer } = await serve(t, backend);
    t.deepEqual(await client.pods.list("shop"), { count: 0, results: [] });
    await client.builds.create("shop", { image: "shop:1", procfile: { web: "serve", worker: "work" } });
    await deployer.idle("shop");
    await client.scale.set("shop", { worker: 2 });
    const pods = await client.pods.list("shop");
    t.deepEqual(
      pods.results.map((p) => [p.name, p.type, p.release, p.state, p.restarts]),
      [
        ["shop-v2-web-1", "web", "v2", "running", 0],
        // Scaling answers once the new instances are ready.
        ["shop-v2-worker-1", "worker", "v2", "running", 0],
        ["shop-v2-worker-2", "worker", "v2", "running", 0],
      ],
    );
  });

  test(`${backend}: POST /pods/restart/:type replaces that type's instances and answers with the new ones`, async (t) => {
    const { client, deployer, scheduler } = await serve(t, backend);
    await client.builds.create("shop", { image: "shop:1", procfile: { web: "serve", worker: "work" } });
    await deployer.idle("shop");
    await client.scale.set("shop", { worker: 1 });
    const web = scheduler.serials({ app: "shop", release: 2, type: "web" });
    const worker = scheduler.serials({ app: "shop", release: 2, type: "worker" });
    const pods = await client.pods.restart("shop", "worker");
    t.is(pods.count, 2);
    t.deepEqual(scheduler.serials({ app: "shop", release: 2, type: "web" }), web, "web was left alone");
    t.notDeepEqual(scheduler.serials({ app: "shop", release: 2, type: "worker" }), worker);
    const error = await t.throwsAsync(client.pods.restart("shop", "Bad_Type"), { instanceOf: ApiError });
    t.is(error?.status, 400);
  });

  test(`${backend}: POST /pods/restart takes no body or {} only, and restarts nothing for any other`, async (t) => {
    const { client, deployer, scheduler, url, token } = await serve(t, backend);
    await client.builds.create("shop", { image: "shop:1" });
    await deployer.idle("shop");
    const before = scheduler.serials({ app: "shop", release: 2, type: "web" });
    const post = (body: string | Uint8Array, type = "application/json") =>
      fetch(`${url}/v2/apps/shop/pods/restart`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": type },
        body,
      });
    const refusals: [string | Uint8Array, number, string][] = [
      [new Uint8Array(5 * 1024 * 1024).fill(0x61), 413, "PAYLOAD_TOO_LARGE"],
      ["garbage", 400, "INVALID_JSON"],
      ["[]", 400, "VALIDATION_FAILED"],
      ['"web"', 400, "VALIDATION_FAILED"],
      ['{"type":"web"}', 400, "VALIDATION_FAILED"],
    ];
    for (const [body, status, code] of refusals) {
      const response = await post(body);
      const answer = (await response.json()) as { error: { code: string; message: string; hint?: string } };
      t.is(response.status, status, `status for ${String(body).slice(0, 20)}`);
      t.is(answer.error.code, code);
      t.truthy(answer.error.message);
    }
    t.deepEqual(scheduler.serials({ app: "shop", release: 2, type: "web" }), before, "nothing was restarted");
    t.is((await post("{}")).status, 200);
    const afterEmptyObject = scheduler.serials({ app: "shop", release: 2, type: "web" });
    t.notDeepEqual(afterEmptyObject, before, "{} restarts");
    t.is((await post("")).status, 200);
    t.notDeepEqual(scheduler.serials({ app: "shop", release: 2, type: "web" }), afterEmptyObject, "no body restarts");
  });

  test(`${backend}: a change during a rollout takes it over, and a restart during one answers 409 ROLLOUT_IN_PROGRESS`, async (t) => {
    const { client, deployer } = await serve(t, backend);
    await client.builds.create("shop", { image: "shop:1" });
    await deployer.idle("shop");
    const started = Date.now();
    await client.builds.create("shop", { image: "shop:never" });
    t.true(Date.now() - started < 2000, "the request returns once the rollout is accepted, not finished");

    const error = await t.throwsAsync(client.pods.restart("shop"), { instanceOf: ApiError });
    t.is(error?.status, 409);
    t.is(error?.code, "ROLLOUT_IN_PROGRESS");
    t.regex(error?.message ?? "", /the rollout of v3 of "shop" is in progress/);

    await client.config.set("shop", { values: { A: "1" } });
    await client.scale.set("shop", { web: 2 });
    t.deepEqual((await client.apps.get("shop")).structure, { web: 2 }, "the scale is recorded at once");
    const v5 = await client.releases.rollback("shop", 2);
    await deployer.idle("shop");
    const releases = await client.releases.list("shop");
    t.deepEqual(
      releases.results.map((r) => [r.version, r.state]),
      [
        [v5.version, "deployed"],
        [4, "superseded"],
        [3, "superseded"],
        [2, "superseded"],
        [1, "superseded"],
      ],
    );
    t.is((await client.pods.list("shop")).results.length, 2, "the newest release runs with the newest counts");
  });
}
