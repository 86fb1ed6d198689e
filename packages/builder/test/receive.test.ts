import test from "ava";
import type { DockerClient } from "../src/build/docker.ts";
import { BuildLocks } from "../src/build/lock.ts";
import type { HookRequest } from "../src/git/hook-server.ts";
import { PendingPushes } from "../src/git/pushes.ts";
import { type ReceiveDeps, receivePush } from "../src/git/receive.ts";
import { createRepoStore } from "../src/git/repos.ts";
import { silentLogger } from "../src/index.ts";

const sha = "a".repeat(40);
const zero = "0".repeat(40);

function setup() {
  const deps: ReceiveDeps = {
    // These tests stop before anything is built: a build would fail on the empty stand-ins.
    docker: {} as DockerClient,
    controller: { hooks: {} as ReceiveDeps["controller"]["hooks"] },
    stackImage: "stack",
    registry: undefined,
    buildNetwork: undefined,
    repos: createRepoStore({ reposDir: "/data/repos", hooksDir: "/data/hooks", preReceive: "", maxPushBytes: 1, requestTimeoutMs: 60_000 }),
    locks: new BuildLocks(),
    pushes: new PendingPushes(),
    logger: silentLogger,
    deployBranches: ["main", "master"],
    buildTimeoutMs: 60_000,
  };
  let output = "";
  const channel = {
    write: (text: string) => {
      output += text;
    },
    signal: new AbortController().signal,
  };
  const run = (request: Partial<HookRequest>) =>
    receivePush(deps, { gitDir: "/data/repos/app.git", updates: `${zero} ${sha} refs/heads/main\n`, objectEnv: {}, ...request }, channel);
  return { deps, run, output: () => output };
}

test("a hook from a directory that is not an app repository is refused", async (t) => {
  const { run, output } = setup();
  t.is(await run({ gitDir: "/tmp/elsewhere.git" }), 1);
  t.regex(output(), /not one of Berth's/);
});

test("a hook may hand over only git's object directories, inside its repository", async (t) => {
  const { run } = setup();
  t.is(await run({ objectEnv: { GIT_EXEC_PATH: "/tmp/evil" } }), 1);
  t.is(await run({ objectEnv: { GIT_OBJECT_DIRECTORY: "/etc" } }), 1);
  t.is(await run({ objectEnv: { GIT_ALTERNATE_OBJECT_DIRECTORIES: "/data/repos/app.git/objects:/etc" } }), 1);
});

test("a deploy-branch push with no authenticated request behind it is refused", async (t) => {
  const { run, output } = setup();
  t.is(await run({}), 1);
  t.regex(output(), /did not come through an authenticated request/);
});

test("a push held by another build is refused with who holds it, and the lock stays with them", async (t) => {
  const { deps, run, output } = setup();
  deps.pushes.add("app", sha, { user: "bob", signal: new AbortController().signal });
  const held = deps.locks.acquire("app", { user: "carol", sha: "b".repeat(40), since: Date.now() });
  t.is(await run({}), 1);
  t.regex(output(), /app is already building bbbbbbb, pushed by carol/);
  t.true(deps.locks.isHeld("app"));
  if (held.ok) held.release();
  t.false(deps.locks.isHeld("app"));
});

test("tags and other branches are accepted without a build", async (t) => {
  const { run, output } = setup();
  t.is(await run({ updates: `${zero} ${sha} refs/tags/v1\n${zero} ${sha} refs/heads/topic\n` }), 0);
  t.regex(output(), /v1: stored, not built/);
  t.regex(output(), /topic: stored, not built/);
});
