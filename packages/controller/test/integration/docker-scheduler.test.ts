import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import test, { type ExecutionContext } from "ava";
import Docker from "dockerode";
import { DockerScheduler } from "../../src/scheduler/docker/scheduler.ts";
import type { GroupSpec, Instance } from "../../src/scheduler/types.ts";
import { busyboxImage, socketPath, testDockerHost, testRegistry } from "../helpers/test-image.ts";

const run = promisify(execFile);

const host = testDockerHost();
const docker = new Docker({ socketPath: socketPath(host) });
const image = await busyboxImage(host);
const serve = "exec httpd -f -p $PORT -h /www";

function scheduler() {
  return new DockerScheduler(docker, { network: { mode: "host" }, labels: { "berth.test": "1" }, stopTimeout: 2 });
}

function newApp(t: ExecutionContext, s: DockerScheduler): string {
  const app = `it-${randomBytes(4).toString("hex")}`;
  t.teardown(() => s.destroyApp(app));
  return app;
}

function spec(app: string, overrides: Partial<GroupSpec> = {}): GroupSpec {
  return {
    app,
    release: 1,
    type: "web",
    image,
    command: serve,
    env: { BERTH_APP: app, BERTH_RELEASE: "v1" },
    limits: undefined,
    readiness: { mode: "tcp", path: undefined, initialDelay: 0, timeout: 1, period: 1, failureThreshold: 3 },
    ...overrides,
  };
}

async function instancesWhen(s: DockerScheduler, app: string, done: (instances: Instance[]) => boolean, ms = 15_000): Promise<Instance[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const instances = (await s.listGroups(app)).flatMap((g) => g.instances);
    if (done(instances) || Date.now() > deadline) return instances;
    await sleep(100);
  }
}

test("runs a group's instances as labelled containers with PORT, limits, init and a restart policy", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  const web = spec(app, { limits: { memory: "64M", cpu: "500m" } });
  await s.createGroup(web);
  await s.scaleGroup(web, 2);

  const instances = await instancesWhen(s, app, (all) => all.length === 2 && all.every((i) => i.ready));
  t.deepEqual(
    instances.map((i) => [i.name, i.type, i.release, i.index, i.state, i.ready, i.restarts]),
    [
      [`${app}-v1-web-1`, "web", 1, 1, "running", true, 0],
      [`${app}-v1-web-2`, "web", 1, 2, "running", true, 0],
    ],
  );
  t.not(instances[0]?.address, instances[1]?.address, "each instance has its own port");
  const answer = await (await fetch(`http://${instances[0]?.address}/cgi-bin/env`)).text();
  t.regex(answer, new RegExp(`release=v1 app=${app} greeting= port=\\d+`));

  const info = await docker.getContainer(`${app}-v1-web-1`).inspect();
  t.like(info.Config.Labels, { "berth.app": app, "berth.release": "1", "berth.type": "web", "berth.test": "1" });
  t.is(info.HostConfig.Memory, 64 * 1024 * 1024);
  t.is(info.HostConfig.NanoCpus, 500_000_000);
  t.is(info.HostConfig.Init, true);
  t.deepEqual(info.HostConfig.RestartPolicy, { Name: "on-failure", MaximumRetryCount: 5 });
});

test("scales down from the highest index, removes named instances and whole groups", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  const web = spec(app);
  await s.scaleGroup(web, 3);
  await s.scaleGroup(web, 2);
  let names = (await s.listGroups(app)).flatMap((g) => g.instances.map((i) => i.name));
  t.deepEqual(names, [`${app}-v1-web-1`, `${app}-v1-web-2`]);
  await s.removeInstances(web, [`${app}-v1-web-1`]);
  await s.scaleGroup(web, 2);
  names = (await s.listGroups(app)).flatMap((g) => g.instances.map((i) => i.name));
  t.deepEqual(names, [`${app}-v1-web-1`, `${app}-v1-web-2`], "the free index is taken again");
  await s.deleteGroup(web);
  t.deepEqual(await s.listGroups(app), []);
});

test("reports an instance that crashes, with its exit code and restarts", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  await s.scaleGroup(spec(app, { command: "echo booting; exit 3" }), 1);
  const [instance] = await instancesWhen(s, app, (all) => all.some((i) => i.restarts > 0 || i.state === "exited"));
  t.truthy(instance);
  t.is(instance?.exitCode, 3);
  t.false(instance?.ready);
  t.true((instance?.restarts ?? 0) > 0 || instance?.state === "exited");
});

test("judges readiness by the HTTP path when one is configured", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  const check = { mode: "http" as const, path: "/missing", initialDelay: 0, timeout: 1, period: 1, failureThreshold: 3 };
  await s.scaleGroup(spec(app, { readiness: check }), 1);
  await s.scaleGroup(spec(app, { type: "ok", readiness: { ...check, path: "/cgi-bin/env" } }), 1);
  const instances = await instancesWhen(s, app, (all) => all.some((i) => i.ready));
  await sleep(300);
  const again = await instancesWhen(s, app, () => true);
  t.deepEqual(
    again.map((i) => [i.type, i.state, i.ready]),
    [
      ["ok", "running", true],
      ["web", "running", false],
    ],
  );
  t.is(instances.length, 2);
});

test("reads the instances' logs, tagged by type and index", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  await s.scaleGroup(spec(app, { command: `echo "hello from $BERTH_APP"; ${serve}` }), 1);
  await instancesWhen(s, app, (all) => all.some((i) => i.ready));
  const lines = await s.logs(app);
  const hello = lines.find((l) => l.line === `hello from ${app}`);
  t.truthy(hello);
  t.is(hello?.tag, "web.1");
  t.is(hello?.instance, `${app}-v1-web-1`);
  t.regex(hello?.time ?? "", /^\d{4}-\d\d-\d\dT/);
});

test("pulls an image the engine does not have, and refuses one no registry has", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  const registry = testRegistry();
  const remote = `${registry}/berth-test/${app}:1`;
  const env = { ...process.env, DOCKER_HOST: host };
  await run("docker", ["tag", image, remote], { env });
  await run("docker", ["push", remote], { env });
  await run("docker", ["rmi", remote], { env });

  await s.createGroup(spec(app, { image: remote }));
  await s.scaleGroup(spec(app, { image: remote }), 1);
  const [instance] = await instancesWhen(s, app, (all) => all.some((i) => i.ready));
  t.true(instance?.ready);
  t.teardown(() => run("docker", ["rmi", "-f", remote], { env }).then(() => undefined));

  await t.throwsAsync(s.createGroup(spec(app, { image: `${registry}/berth-test/nothing:404` })), {
    message: new RegExp(`^image ${registry}/berth-test/nothing:404 is not in the Docker engine and could not be pulled: .*not found`),
  });
});

test("destroying an app removes the images its builds made, and keeps other images", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  const other = newApp(t, s);
  const built = `${app}:git-0123abc`;
  const othersBuild = `${other}:git-0123abc`;
  const pulled = `${app}-base:1`;
  for (const tag of [built, othersBuild, pulled]) {
    const [repo = "", version = ""] = tag.split(":");
    await docker.getImage(image).tag({ repo, tag: version });
  }
  t.teardown(async () => {
    for (const tag of [built, othersBuild, pulled]) await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  });
  await s.scaleGroup(spec(app, { image: built }), 1);
  await s.destroyApp(app);
  const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []);
  t.false(tags.includes(built), "the app's build is gone");
  t.true(tags.includes(othersBuild), "another app's build stays");
  t.true(tags.includes(pulled), "an image the app did not build stays");
  t.true(tags.includes(image), "the base image stays");
});

test("destroying an app removes all its containers, and only its", async (t) => {
  const s = scheduler();
  const app = newApp(t, s);
  const other = newApp(t, s);
  await s.scaleGroup(spec(app), 1);
  await s.scaleGroup(spec(app, { type: "worker", command: "exec sleep 60", readiness: { ...spec(app).readiness, mode: "running" } }), 1);
  await s.scaleGroup(spec(other), 1);
  await s.destroyApp(app);
  const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: ["berth.test=1"] }) });
  t.false(left.some((c) => c.Labels["berth.app"] === app));
  t.true(left.some((c) => c.Labels["berth.app"] === other));
});
