import { randomBytes } from "node:crypto";
import test from "ava";
import Docker from "dockerode";
import { createJsonLogger } from "../../src/logger.ts";
import { type DockerClient, DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
import { deployed, fixtureWith } from "../helpers/deploy-fixture.ts";
import { busyboxImage, socketPath, testDockerHost } from "../helpers/test-image.ts";
import { testBackends } from "../helpers/test-store.ts";

const host = testDockerHost();
const docker = new Docker({ socketPath: socketPath(host) });
const image = await busyboxImage(host);
const serve = "exec httpd -f -p $PORT -h /www";

async function setup(t: Parameters<typeof fixtureWith>[0], backend: (typeof testBackends)[number]) {
  const scheduler = new DockerScheduler(docker, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 2 });
  const app = `ro-${randomBytes(4).toString("hex")}`;
  const f = await fixtureWith(t, backend, scheduler, { pollMs: 100, timeoutMs: 20_000 }, app);
  t.teardown(() => scheduler.destroyApp(app));
  return f;
}

/** What every ready web instance answers on /cgi-bin/env. */
async function answers(f: Awaited<ReturnType<typeof setup>>): Promise<string[]> {
  const groups = await f.scheduler.listGroups(f.app);
  const ready = groups.flatMap((g) => g.instances).filter((i) => i.ready);
  return Promise.all(ready.map(async (i) => (await (await fetch(`http://${i.address}/cgi-bin/env`)).text()).split(" port=")[0] ?? ""));
}

for (const backend of testBackends) {
  test(`${backend}: rolls a new release out on the engine and serves it once ready`, async (t) => {
    const f = await setup(t, backend);
    await f.formation({ web: 2 });
    const v2 = await deployed(f, image, { web: serve }, "1234567890abcdef1234567890abcdef12345678");
    t.is((await f.release(v2)).state, "deployed", (await f.release(v2)).failure ?? "");
    t.deepEqual(await answers(f), [`release=v2 app=${f.app} greeting=`, `release=v2 app=${f.app} greeting=`]);

    await f.config({ values: { GREETING: "hello" } });
    await f.settle();

    t.is((await f.release(3)).state, "deployed", (await f.release(3)).failure ?? "");
    t.is((await f.release(2)).state, "superseded");
    const pods = await f.deployer.pods(f.app);
    t.deepEqual(
      pods.map((p) => [p.name, p.release, p.state, p.ready]),
      [
        [`${f.app}-v3-web-1`, "v3", "running", true],
        [`${f.app}-v3-web-2`, "v3", "running", true],
      ],
    );
    t.deepEqual(await answers(f), [`release=v3 app=${f.app} greeting=hello`, `release=v3 app=${f.app} greeting=hello`]);
    const old = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`berth.app=${f.app}`, "berth.release=2"] }) });
    t.is(old.length, 0, "v2's containers are gone");
  });

  test(`${backend}: fails a release that crashes on boot and keeps the previous one serving`, async (t) => {
    const f = await setup(t, backend);
    const v2 = await deployed(f, image, { web: serve });
    t.is((await f.release(v2)).state, "deployed");

    const v3 = await deployed(f, image, { web: "echo boom; exit 1" });

    const failed = await f.release(v3);
    t.is(failed.state, "failed");
    // The code is there only when the rollout looked before the engine restarted the container: a
    // restart resets the engine's exit code, as docker-crashes' tests allow too.
    t.regex(failed.failure ?? "", new RegExp(`web\\.1 \\(${f.app}-v3-web-1\\) exited( with code 1)?$`));
    t.is((await f.release(v2)).state, "deployed");
    const pods = await f.deployer.pods(f.app);
    t.deepEqual(
      pods.map((p) => [p.release, p.state, p.ready]),
      [["v2", "running", true]],
    );
    t.deepEqual(await answers(f), [`release=v2 app=${f.app} greeting=`]);
  });

  test(`${backend}: restart replaces the containers, and reconcile brings back one removed by hand`, async (t) => {
    const f = await setup(t, backend);
    await f.formation({ web: 2 });
    await deployed(f, image, { web: serve });
    const ids = async () =>
      (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`berth.app=${f.app}`] }) })).map((c) => c.Id).sort();
    const before = await ids();
    t.is(before.length, 2);

    await f.deployer.restart(f.app);
    const restarted = await ids();
    t.is(restarted.length, 2);
    t.false(
      restarted.some((id) => before.includes(id)),
      "every container is new",
    );
    t.is((await answers(f)).length, 2);

    await docker.getContainer(restarted[0] ?? "").remove({ force: true });
    await f.deployer.reconcile();
    const pods = await f.deployer.pods(f.app);
    t.is(pods.length, 2);
    t.deepEqual(
      pods.map((p) => p.release),
      ["v2", "v2"],
    );
  });
}

for (const backend of testBackends) {
  test(`${backend}: a config value the engine refuses fails the release without the value in its failure, the events or the log`, async (t) => {
    const logs: string[] = [];
    const scheduler = new DockerScheduler(docker, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 2 });
    const app = `ro-${randomBytes(4).toString("hex")}`;
    const f = await fixtureWith(
      t,
      backend,
      scheduler,
      { pollMs: 100, timeoutMs: 20_000, logger: createJsonLogger((l) => logs.push(l), "debug") },
      app,
    );
    t.teardown(() => scheduler.destroyApp(app));
    await deployed(f, image, { web: serve });
    // Stored before the edge refused NUL: a release the engine cannot start.
    const secret = "hunter2-very-secret";
    await f.config({ values: { DB_PASSWORD: `${secret}\u0000tail`, OTHER: "plain-value-1" } });
    await f.settle();

    const failed = await f.release(3);
    t.is(failed.state, "failed");
    t.regex(failed.failure ?? "", /the scheduler failed: the Docker engine could not start/);
    const everything = [failed.failure ?? "", ...f.events.map((e) => e.message), ...logs].join("\n");
    t.false(everything.includes(secret), "the secret is nowhere");
    t.false(everything.includes("plain-value-1"));
    t.is((await f.release(2)).state, "deployed", "the previous release keeps serving");
  });

  test(`${backend}: a rollout whose controller died between creating and starting an instance finishes after the restart`, async (t) => {
    let hang = false;
    let wake = () => {};
    // The engine as the dying controller saw it: the container is created, then nothing more happens
    // (until the test ends: then the dead controller's call returns into an aborted rollout).
    const dying: DockerClient = Object.assign(Object.create(docker) as Docker, {
      createContainer: async (options: Parameters<Docker["createContainer"]>[0]) => {
        const container = await docker.createContainer(options);
        if (!hang) return container;
        return Object.assign(Object.create(container) as typeof container, {
          start: () => new Promise<void>((resolve) => (wake = resolve)),
        });
      },
    });
    const scheduler = new DockerScheduler(dying, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 2 });
    const app = `ro-${randomBytes(4).toString("hex")}`;
    const f = await fixtureWith(t, backend, scheduler, { pollMs: 100, timeoutMs: 60_000 }, app);
    t.teardown(() => new DockerScheduler(docker).destroyApp(app));
    await deployed(f, image, { web: serve });
    hang = true;
    await f.config({ values: { GREETING: "kept" } });
    const created = async () =>
      (await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`berth.app=${app}`, "berth.release=3"] }) })).map(
        (c) => c.State,
      );
    for (let i = 0; i < 200 && (await created()).join() !== "created"; i++) await new Promise((r) => setTimeout(r, 50));
    t.deepEqual(await created(), ["created"], "the controller 'died' with v3's instance created, not started");
    hang = false;
    // It died: nothing renews its lease of the app, which runs out (here: is made to have run out).
    await f.store.db.updateTable("leases").set({ holder: "a controller that died", expires: 0 }).where("name", "=", `app:${app}`).execute();

    const restarted = f.newDeployer();
    const started = Date.now();
    await restarted.reconcile();
    await restarted.idle();

    t.is((await f.release(3)).state, "deployed", (await f.release(3)).failure ?? "");
    t.true(Date.now() - started < 30_000, "not after the deploy timeout");
    t.deepEqual(await created(), ["running"], "the created instance was started, not doubled");
    t.deepEqual(await answers(f), [`release=v3 app=${app} greeting=kept`], "the change is there");
    const dead = f.deployer.close();
    wake();
    await dead;
  });
}
