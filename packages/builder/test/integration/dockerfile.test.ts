import test from "ava";
import { git, makeRepo, push, remoteLines } from "../helpers/git-client.ts";
import { ensureStackImage, runAndGet, STACK_IMAGE, startWorld, type World } from "../helpers/world.ts";
import { requireEnv } from "../helpers/env.ts";

let world: World;
test.before(async () => {
  await ensureStackImage(requireEnv("BERTH_TEST_DOCKER_HOST"));
  world = await startWorld();
});
test.after.always(async () => {
  await world?.close();
});

const server = `require("node:http").createServer((q, s) => s.end("hello from " + process.env.GREETING)).listen(process.env.PORT);\n`;

test("a pushed Dockerfile app is built into an image, released, and the build output streams live", async (t) => {
  await world.api.apps.create("dock");
  const dir = await makeRepo(
    {
      Dockerfile: `FROM ${STACK_IMAGE}\nRUN echo ${Math.random()} && echo step-$((1+1))-start && sleep 2 && echo step-one-done\nCOPY server.js /app/server.js\nENV GREETING=dockerfile\nCMD ["node", "/app/server.js"]\n`,
      "server.js": server,
    },
    world.home,
  );
  const run = await push(dir, world.remote("dock"), world.home);
  t.is(run.code, 0, run.stderr);
  const lines = remoteLines(run);
  t.true(lines.some((l) => l.includes("Dockerfile detected")), run.stderr);
  t.regex(lines.at(-1) ?? "", /released v2 — http:\/\/dock\.localhost:8080/);
  // Streamed while it happened: the first RUN line reached the client well before the push ended.
  const first = run.chunks.find((c) => c.text.includes("step-2-start"));
  t.truthy(first, run.stderr);
  t.true(run.elapsed - (first?.at ?? run.elapsed) >= 1500, `step-2-start came ${first?.at} ms in, push ended at ${run.elapsed} ms`);

  const builds = await world.api.builds.list("dock");
  t.is(builds.count, 1);
  const build = builds.results[0]!;
  t.is(build.kind, "dockerfile");
  const head = (await git(dir, ["rev-parse", "HEAD"], world.home)).stdout.trim();
  t.is(build.sha, head);
  t.is(build.image, `dock:git-${head.slice(0, 7)}`);
  t.true((build.durationMs ?? 0) > 0);
  const detail = await world.api.builds.get("dock", build.uuid);
  t.true(detail.log.includes("step-one-done"));
  const releases = await world.api.releases.list("dock");
  t.is(releases.results.find((r) => r.version === 2)?.build, build.uuid);

  const answer = await runAndGet(world.docker, build.image);
  t.is(answer.body, "hello from dockerfile");
});

test("a Dockerfile that fails makes git push fail with the error and creates no release", async (t) => {
  await world.api.apps.create("broken");
  const dir = await makeRepo({ Dockerfile: `FROM ${STACK_IMAGE}\nRUN echo ${Math.random()} && echo about-to-fail && exit 3\n` }, world.home);
  const run = await push(dir, world.remote("broken"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /about-to-fail/);
  t.regex(run.stderr, /the build failed: .*returned a non-zero code: 3/);
  t.regex(run.stderr, /push rejected: no release was made/);
  t.regex(run.stderr, /pre-receive hook declined/);
  t.is((await world.api.builds.list("broken")).count, 0);
  t.is((await world.api.releases.list("broken")).count, 1);
});

test("config values become build arguments only when the app enables them", async (t) => {
  await world.api.apps.create("args");
  await world.api.config.set("args", { values: { GREETING: "from-config" } });
  const dockerfile = `FROM ${STACK_IMAGE}\nARG GREETING=unset\nRUN echo "greeting is $GREETING" ${Math.random()}\nCMD ["node", "-e", "0"]\n`;
  const off = await push(await makeRepo({ Dockerfile: dockerfile }, world.home), world.remote("args"), world.home);
  t.is(off.code, 0, off.stderr);
  t.regex(off.stderr, /greeting is unset/);
  await world.api.config.set("args", { values: { BERTH_DOCKER_BUILD_ARGS_ENABLED: "true" } });
  const on = await push(await makeRepo({ Dockerfile: dockerfile.replace("unset", "still-unset") }, world.home), world.remote("args"), world.home, "HEAD:main", ["--force"]);
  t.is(on.code, 0, on.stderr);
  t.regex(on.stderr, /passing \d+ config values as build arguments/);
  t.regex(on.stderr, /greeting is from-config/);
});
