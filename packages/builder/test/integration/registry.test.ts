import { randomBytes } from "node:crypto";
import test from "ava";
import { dockerFromHost } from "../../src/docker-client.ts";
import { makeRepo, push } from "../helpers/git-client.ts";
import { requireEnv } from "../helpers/env.ts";
import { ensureStackImage, STACK_IMAGE, startWorld } from "../helpers/world.ts";

const app = (marker: string) => ({ Dockerfile: `FROM ${STACK_IMAGE}\nRUN echo ${marker} ${Math.random()}\nCMD ["node", "-e", "0"]\n` });

test.before(async () => {
  await ensureStackImage(requireEnv("BERTH_TEST_DOCKER_HOST"));
});

test("in cluster mode the image is pushed to the registry and the release names the registry image", async (t) => {
  const registry = requireEnv("BERTH_TEST_REGISTRY");
  const world = await startWorld({ registry });
  t.teardown(() => world.close());
  await world.api.apps.create("reg");
  const run = await push(await makeRepo(app("reg"), world.home), world.remote("reg"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, new RegExp(`Pushing ${registry}/reg:git-[0-9a-f]{7}`));
  const build = (await world.api.builds.list("reg")).results[0];
  t.regex(build?.image ?? "", new RegExp(`^${registry}/reg:git-[0-9a-f]{7}$`));
  const tags = (await (await fetch(`http://${registry}/v2/reg/tags/list`)).json()) as { tags: string[] };
  t.true(tags.tags.includes(build?.image.split(":").at(-1) ?? "?"), JSON.stringify(tags));
});

test("a registry that cannot be reached fails the push and makes no release", async (t) => {
  const world = await startWorld({ registry: "127.0.0.1:9" });
  t.teardown(() => world.close());
  await world.api.apps.create("noreg");
  const run = await push(await makeRepo(app("noreg"), world.home), world.remote("noreg"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /pushing 127\.0\.0\.1:9\/noreg:git-[0-9a-f]{7} failed|cannot push 127\.0\.0\.1:9\/noreg/);
  t.regex(run.stderr, /BERTH_REGISTRY/);
  t.is((await world.api.builds.list("noreg")).count, 0);
});

/** A buildpack app: the build needs the stack image itself (its Node.js version), not only a FROM line. */
const nodeApp = {
  "package.json": JSON.stringify({ name: "pull-app", version: "1.0.0", scripts: { start: "node server.js" } }),
  "server.js": 'require("node:http").createServer((q, s) => s.end("pulled")).listen(process.env.PORT);\n',
};

test("an engine without the stack image pulls it from the registry, as a builder's own dockerd must", async (t) => {
  const registry = requireEnv("BERTH_TEST_REGISTRY");
  const docker = dockerFromHost(requireEnv("BERTH_TEST_DOCKER_HOST"));
  // The stack under a name only the registry has: tagged, pushed, and the local tag removed again.
  const remote = `${registry}/berth/stack-pull:${randomBytes(4).toString("hex")}`;
  const [repo, tag] = [remote.slice(0, remote.lastIndexOf(":")), remote.slice(remote.lastIndexOf(":") + 1)];
  await docker.getImage(STACK_IMAGE).tag({ repo, tag });
  const pushed = (await docker.getImage(remote).push({ authconfig: { serveraddress: registry } })) as NodeJS.ReadableStream;
  await new Promise((resolve, reject) => docker.modem.followProgress(pushed, (error) => (error ? reject(error) : resolve(undefined))));
  await docker.getImage(remote).remove();
  t.teardown(() => docker.getImage(remote).remove().catch(() => {}));

  const world = await startWorld({ stackImage: remote });
  t.teardown(() => world.close());
  await world.api.apps.create("pull-app");
  const run = await push(await makeRepo(nodeApp, world.home), world.remote("pull-app"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, new RegExp(`Pulling the stack image ${remote.replace(/[.]/g, "\\.")}`));
  t.regex(run.stderr, /released v2/);
});

test("a stack image the engine lacks and cannot pull fails the build, naming it, with no release", async (t) => {
  const registry = requireEnv("BERTH_TEST_REGISTRY");
  const world = await startWorld({ stackImage: `${registry}/berth/no-such-stack:1` });
  t.teardown(() => world.close());
  await world.api.apps.create("nostack");
  const run = await push(await makeRepo(nodeApp, world.home), world.remote("nostack"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /the stack image .*\/berth\/no-such-stack:1 is not in the Docker engine, and pulling it failed: /);
  t.regex(run.stderr, /BERTH_STACK_IMAGE/);
  t.is((await world.api.builds.list("nostack")).count, 0);
});
