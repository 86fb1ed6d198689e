import { randomBytes } from "node:crypto";
import test from "ava";
import Docker from "dockerode";
import { DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
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
    t.regex(failed.failure ?? "", new RegExp(`web\\.1 \\(${f.app}-v3-web-1\\) exited with code 1`));
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
