import { readdir } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import test from "ava";
import { ControllerClient } from "@berth/api";
import { git, makeRepo, push } from "../helpers/git-client.ts";
import { requireEnv } from "../helpers/env.ts";
import { ensureStackImage, startWorld, type World } from "../helpers/world.ts";

let world: World;
let repo: string;
test.before(async () => {
  // Detection inspects the stack image; a fresh engine needs it made first.
  await ensureStackImage(requireEnv("BERTH_TEST_DOCKER_HOST"));
  world = await startWorld();
  await world.api.apps.create("mine");
  repo = await makeRepo({ "README.md": "nothing to build\n" }, world.home);
});
test.after.always(async () => {
  await world?.close();
});

async function repos(): Promise<string[]> {
  return readdir(join(world.dataDir, "builder", "repos")).catch(() => []);
}

test("a wrong token is refused as failed authentication", async (t) => {
  const run = await push(repo, world.remote("mine", "alice", "not-the-token"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /wrong username or token/);
  t.regex(run.stderr, /Authentication failed/);
});

test("a push without credentials is asked for them and refused when none come", async (t) => {
  const run = await push(repo, `http://${world.gitHost}/mine.git`, world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /could not read Username|Authentication failed/);
});

test("a user who is not owner, collaborator or admin cannot push or fetch", async (t) => {
  const anonymous = new ControllerClient({ url: world.api.url });
  await anonymous.auth.register({ username: "mallory", password: "correct-horse-battery" }).catch(() => undefined);
  const { token } = await anonymous.auth.login("mallory", "correct-horse-battery");
  const pushed = await push(repo, world.remote("mine", "mallory", token), world.home);
  t.not(pushed.code, 0);
  t.regex(pushed.stderr, /mallory has no access to app "mine"/);
  t.regex(pushed.stderr, /403/);
  const fetched = await push(repo, world.remote("mine", "mallory", token), world.home, "HEAD:main", ["--dry-run"]);
  t.not(fetched.code, 0);
});

test("pushing to an app that does not exist is refused and creates no repository", async (t) => {
  const run = await push(repo, world.remote("ghost"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /app "ghost" not found; create it with `berth create ghost`/);
  t.false((await repos()).includes("ghost.git"));
});

for (const [title, path] of [
  ["dots", "..%2f..%2fetc.git"],
  ["a slash", "mine/other.git"],
  ["dot-dot segments", "../mine.git"],
  ["capitals", "Mine.git"],
] as const) {
  test(`a repository name with ${title} is refused before anything touches the disk`, async (t) => {
    const before = await repos();
    // node:http sends the path as written (fetch would resolve the dot segments first).
    const [host, port] = world.gitHost.split(":");
    const response = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host, port, path: `/${path}/info/refs?service=git-receive-pack`, auth: `alice:${world.token}` },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => {
            text += d.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    t.is(response.status, 400);
    t.regex(response.text, /not a valid repository name/);
    t.deepEqual(await repos(), before);
  });
}

test("a real git client sees the bad-name message", async (t) => {
  const run = await push(repo, `http://alice:${world.token}@${world.gitHost}/bad_name.git`, world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /"bad_name.git" is not a valid repository name/);
});

test("a push that only changes another branch is stored but not built", async (t) => {
  const run = await push(repo, world.remote("mine"), world.home, "HEAD:feature");
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /remote: .*feature: stored, not built \(Berth builds pushes to main or master\)/);
  t.is((await world.api.builds.list("mine")).count, 0);
});

test("other branches can be deleted, the deploy branch cannot", async (t) => {
  await world.api.apps.create("deletes");
  t.is((await push(repo, world.remote("deletes"), world.home, "HEAD:topic")).code, 0);
  const topic = await push(repo, world.remote("deletes"), world.home, ":topic");
  t.is(topic.code, 0, topic.stderr);
  t.regex(topic.stderr, /\[deleted\]\s+topic/);
  const site = await makeRepo({ "index.html": "deployed\n" }, world.home);
  const deployed = await push(site, world.remote("deletes"), world.home);
  t.is(deployed.code, 0, deployed.stderr);
  const main = await push(site, world.remote("deletes"), world.home, ":main");
  t.not(main.code, 0);
  t.regex(main.stderr, /main is the branch Berth deploys and cannot be deleted/);
});

test("the builder writes only under its data directory: repositories, hooks and its socket", async (t) => {
  t.is((await push(repo, world.remote("mine"), world.home, "HEAD:only-here")).code, 0);
  t.true((await repos()).includes("mine.git"));
  const top = await readdir(join(world.dataDir, "builder"));
  t.deepEqual(top.sort(), ["hooks", "repos", "run"]);
});

test("a commit with nothing buildable is refused with what to add", async (t) => {
  const run = await push(repo, world.remote("mine"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /found nothing to build/);
  t.regex(run.stderr, /add a Dockerfile, a package.json/);
  t.is((await world.api.builds.list("mine")).count, 0);
});

test("the git endpoints refuse other methods and the dumb protocol", async (t) => {
  const auth = { authorization: `Basic ${Buffer.from(`alice:${world.token}`).toString("base64")}` };
  const dumb = await fetch(`http://${world.gitHost}/mine.git/info/refs`, { headers: auth });
  t.is(dumb.status, 400);
  const wrongMethod = await fetch(`http://${world.gitHost}/mine.git/git-receive-pack`, { headers: auth });
  t.is(wrongMethod.status, 405);
  const elsewhere = await fetch(`http://${world.gitHost}/mine.git/objects/info/packs`, { headers: auth });
  t.is(elsewhere.status, 404);
});

test("owners clone what they pushed; users without rights cannot clone", async (t) => {
  await world.api.apps.create("cloned");
  const pushed = await push(repo, world.remote("cloned"), world.home, "HEAD:feature");
  t.is(pushed.code, 0, pushed.stderr);
  const anonymous = new ControllerClient({ url: world.api.url });
  await anonymous.auth.register({ username: "eve", password: "correct-horse-battery" }).catch(() => undefined);
  const { token } = await anonymous.auth.login("eve", "correct-horse-battery");
  const denied = await git(world.home, ["-c", "credential.helper=", "clone", world.remote("cloned", "eve", token), "eve-copy"], world.home);
  t.not(denied.code, 0);
  t.regex(denied.stderr, /eve has no access to app "cloned"/);
  const cloned = await git(world.home, ["-c", "credential.helper=", "clone", "-b", "feature", world.remote("cloned"), "alice-copy"], world.home);
  t.is(cloned.code, 0, cloned.stderr);
});

test("an app destroyed and created again by someone else starts with an empty repository", async (t) => {
  await world.api.apps.create("reborn");
  const pushed = await push(repo, world.remote("reborn"), world.home, "HEAD:secret-work");
  t.is(pushed.code, 0, pushed.stderr);
  await world.api.apps.destroy("reborn");
  const anonymous = new ControllerClient({ url: world.api.url });
  await anonymous.auth.register({ username: "mallory", password: "correct-horse-battery" }).catch(() => undefined);
  const { token } = await anonymous.auth.login("mallory", "correct-horse-battery");
  await anonymous.withToken(token).apps.create("reborn");
  const refs = await git(world.home, ["-c", "credential.helper=", "ls-remote", world.remote("reborn", "mallory", token)], world.home);
  t.is(refs.code, 0, refs.stderr);
  t.false(refs.stdout.includes("secret-work"), "the earlier owner's branches are gone");
  t.is(refs.stdout.trim(), "", "the new app's repository is empty");
});
