import { randomBytes } from "node:crypto";
import { spawn } from "node:child_process";
import test from "ava";
import { git, gitEnv, makeRepo, push } from "../helpers/git-client.ts";
import { requireEnv } from "../helpers/env.ts";
import { ensureStackImage, STACK_IMAGE, startWorld, type World } from "../helpers/world.ts";

let world: World;
test.before(async () => {
  await ensureStackImage(requireEnv("BERTH_TEST_DOCKER_HOST"));
  world = await startWorld({ maxPushBytes: 512 * 1024 });
});
test.after.always(async () => {
  await world?.close();
});

// A nonce defeats the engine's build cache; `$((1+1))` makes the marker appear only when the step runs.
const nonce = () => Math.random().toString(36).slice(2);
const slow = (marker: string, seconds: number) =>
  `FROM ${STACK_IMAGE}\nRUN echo ${nonce()} && echo ${marker}-$((1+1)) && sleep ${seconds}\nCMD ["node", "-e", "0"]\n`;
const quick = (marker: string) => `FROM ${STACK_IMAGE}\nRUN echo ${marker} ${nonce()}\nCMD ["node", "-e", "0"]\n`;

/** Starts a push and resolves once `marker` has reached the pusher. */
function pushUntil(dir: string, url: string, marker: string) {
  // Its own process group, so that killing it takes git-remote-http (which holds the connection) too.
  const child = spawn("git", ["-c", "credential.helper=", "push", url, "HEAD:main"], { cwd: dir, env: gitEnv(world.home), detached: true });
  let stderr = "";
  const exited = new Promise<{ code: number; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code: code ?? -1, stderr })));
  const seen = new Promise<void>((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(marker)) resolve();
    });
    child.on("close", () => reject(new Error(`push ended before ${marker}: ${stderr}`)));
  });
  return { child, seen, exited };
}

test.serial("a second push while the app is building is refused, and the app builds again afterwards", async (t) => {
  await world.api.apps.create("busy");
  const first = pushUntil(await makeRepo({ Dockerfile: slow("first", 3) }, world.home), world.remote("busy"), "first-2");
  await first.seen;
  const second = await push(await makeRepo({ Dockerfile: quick("second") }, world.home), world.remote("busy"), world.home);
  t.not(second.code, 0);
  t.regex(second.stderr, /busy is already building [0-9a-f]{7}, pushed by alice/);
  t.regex(second.stderr, /wait for that build to finish, then push again/);
  const done = await first.exited;
  t.is(done.code, 0, done.stderr);
  const again = await push(await makeRepo({ Dockerfile: quick("third") }, world.home), world.remote("busy"), world.home, "HEAD:main", ["--force"]);
  t.is(again.code, 0, again.stderr);
  t.is((await world.api.builds.list("busy")).count, 2);
});

test.serial("a failed build releases the lock: the next push builds", async (t) => {
  await world.api.apps.create("relock");
  const failed = await push(await makeRepo({ Dockerfile: `FROM ${STACK_IMAGE}\nRUN exit 1\n` }, world.home), world.remote("relock"), world.home);
  t.not(failed.code, 0);
  const next = await push(await makeRepo({ Dockerfile: quick("fixed") }, world.home), world.remote("relock"), world.home);
  t.is(next.code, 0, next.stderr);
});

test.serial("a pusher that disconnects mid-build cancels it: no release, and the lock is released", async (t) => {
  await world.api.apps.create("gone");
  const pusher = pushUntil(await makeRepo({ Dockerfile: slow("cut", 4) }, world.home), world.remote("gone"), "cut-2");
  await pusher.seen;
  process.kill(-(pusher.child.pid ?? 0), "SIGKILL");
  await pusher.exited;
  const repo = await makeRepo({ Dockerfile: quick("after") }, world.home);
  const deadline = Date.now() + 15_000;
  let next = await push(repo, world.remote("gone"), world.home);
  while (next.code !== 0 && /already building/.test(next.stderr) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    next = await push(repo, world.remote("gone"), world.home);
  }
  t.is(next.code, 0, next.stderr);
  const builds = await world.api.builds.list("gone");
  t.is(builds.count, 1, "only the push after the disconnect made a build");
  const releases = await world.api.releases.list("gone");
  t.is(releases.count, 2);
});

test.serial("a push larger than the limit is refused with the limit in the message", async (t) => {
  await world.api.apps.create("huge");
  // Under git's http.postBuffer (1 MiB): sent with a Content-Length, refused before it is read.
  const small = await makeRepo({ Dockerfile: quick("huge"), "blob.bin": randomBytes(600 * 1024) }, world.home);
  const run = await push(small, world.remote("huge"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /remote: berth: this push is larger than the limit of 0.5 MiB \(BERTH_MAX_PUSH_BYTES\)/, run.stderr);
  t.is((await world.api.builds.list("huge")).count, 0);
});

test.serial("a push far over the limit ends within seconds with the limit and a hint, and builds nothing", async (t) => {
  await world.api.apps.create("bulky");
  // Incompressible and chunked (over http.postBuffer), and much more than the socket buffers hold:
  // git is still sending when the builder refuses.
  const big = await makeRepo({ Dockerfile: quick("bulky"), "blob.bin": randomBytes(24 * 1024 * 1024) }, world.home);
  const run = await git(big, ["-c", "credential.helper=", "push", world.remote("bulky"), "HEAD:main"], world.home, 60_000);
  t.not(run.code, 0);
  t.regex(run.stderr, /remote: berth: this push is larger than the limit of 0.5 MiB \(BERTH_MAX_PUSH_BYTES\)/, run.stderr);
  t.regex(run.stderr, /remote: berth: keep build output and large files out of git/);
  t.regex(run.stderr, /remote unpack failed: push larger than 0.5 MiB/);
  // It hung for minutes (until an HTTP 408) when the refusal did not end the request.
  t.true(run.elapsed < 30_000, `git push took ${run.elapsed} ms`);
  t.is((await world.api.builds.list("bulky")).count, 0);
  t.is((await world.api.releases.list("bulky")).count, 1, "no release beyond the app's first");
});

test.serial("a build that prints nothing for longer than the git request deadline still completes", async (t) => {
  const quiet = await startWorld({ gitTimeoutMs: 2000 });
  t.teardown(() => quiet.close());
  await quiet.api.apps.create("hush");
  const run = await push(await makeRepo({ Dockerfile: slow("hush", 6) }, quiet.home), quiet.remote("hush"), quiet.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /released v2/);
});

test.serial("a build that runs past the build timeout is cancelled and the lock released", async (t) => {
  const timed = await startWorld({ buildTimeoutMs: 1500 });
  t.teardown(() => timed.close());
  await timed.api.apps.create("slowpoke");
  const run = await push(await makeRepo({ Dockerfile: slow("slowpoke", 6) }, timed.home), timed.remote("slowpoke"), timed.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /build cancelled: the build took longer than 1.5 s \(BERTH_BUILD_TIMEOUT\)/);
  t.true(run.elapsed < 5000, `the push took ${run.elapsed} ms`);
  // The lock is free again: the next push starts building (whether it beats the short timeout
  // on a loaded machine does not matter here).
  const next = await push(await makeRepo({ Dockerfile: quick("prompt") }, timed.home), timed.remote("slowpoke"), timed.home);
  t.notRegex(next.stderr, /already building/);
  t.regex(next.stderr, /Building image slowpoke:git-/);
  t.is((await timed.api.builds.list("slowpoke")).count, next.code === 0 ? 1 : 0);
});
