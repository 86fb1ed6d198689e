import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { baseEnv, berth, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { remoteNames, remoteUrl, tempRepo } from "./helpers/repo.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
  for (const app of ["remote-app", "other-app"]) await berth(["create", app, "--no-remote"], { home });
});
test.after.always(() => controller?.close());

test("git:remote adds the berth remote, and says so when it is already there", async (t) => {
  const repo = await tempRepo(home);
  const added = await berth(["git:remote", "-a", "remote-app"], { home, cwd: repo });
  t.is(added.stdout, "git remote berth added: deploy with `git push berth main`\n");
  t.is(await remoteUrl(home, repo, "berth"), `${controller.url}/remote-app.git`);
  t.is((await berth(["git:remote", "-a", "remote-app"], { home, cwd: repo })).stdout, "git remote berth already points at remote-app\n");
});

test("git:remote refuses to replace another remote without -f, and replaces it with -f", async (t) => {
  const repo = await tempRepo(home);
  await berth(["git:remote", "-a", "remote-app", "-r", "prod"], { home, cwd: repo });
  const refused = await berth(["git:remote", "-a", "other-app", "-r", "prod"], { home, cwd: repo });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /error: this repository has a git remote "prod" already .*\nhint: pass -f to replace it/);
  t.is((await berth(["git:remote", "-a", "other-app", "-r", "prod", "-f"], { home, cwd: repo })).code, 0);
  t.is(await remoteUrl(home, repo, "prod"), `${controller.url}/other-app.git`);
});

test("git:remote outside a repository says where it ran", async (t) => {
  const result = await berth(["git:remote", "-a", "remote-app"], { home });
  t.is(result.code, 2);
  t.is(
    result.stderr,
    `error: ${home} is not in a git repository\nhint: run the command in your app's repository (or \`git init\` first)\n`,
  );
});

test("git:remove removes every remote of the app and leaves others", async (t) => {
  const repo = await tempRepo(home);
  await berth(["git:remote", "-a", "remote-app"], { home, cwd: repo });
  await berth(["git:remote", "-a", "remote-app", "-r", "second"], { home, cwd: repo });
  await berth(["git:remote", "-a", "other-app", "-r", "other"], { home, cwd: repo });
  const result = await berth(["git:remove"], { home, cwd: repo });
  t.is(result.stdout, "git remote berth removed\ngit remote second removed\n");
  t.deepEqual(await remoteNames(home, repo), ["other"]);
});

test("git-credential answers git with the profile's username and token for the platform's host only", async (t) => {
  const { token } = JSON.parse(await readFile(join(home, ".berth", "client.json"), "utf8"));
  const host = new URL(controller.url).host;
  const mine = await berth(["git-credential", "get"], { home, input: `protocol=http\nhost=${host}\npath=remote-app.git\n\n` });
  t.is(mine.stdout, `username=alice\npassword=${token}\n`);
  const other = await berth(["git-credential", "get"], { home, input: "protocol=http\nhost=example.com\n\n" });
  t.is(other.stdout, "");
  t.is((await berth(["git-credential", "store"], { home, input: `protocol=http\nhost=${host}\n\n` })).stdout, "");
});

test("git-credential reads BERTH_URL as berth does: without a scheme it is http://", async (t) => {
  const { token } = JSON.parse(await readFile(join(home, ".berth", "client.json"), "utf8"));
  const host = new URL(controller.url).host;
  const answer = await berth(["git-credential", "get"], { home, env: { BERTH_URL: host }, input: `protocol=http\nhost=${host}\n\n` });
  t.is(answer.stdout, `username=alice\npassword=${token}\n`);
});

test("real git asks berth for the credentials of the app's remote", async (t) => {
  const { token } = JSON.parse(await readFile(join(home, ".berth", "client.json"), "utf8"));
  const repo = await tempRepo(home);
  const output = await new Promise<string>((resolve, reject) => {
    const child = execFile(
      "git",
      ["credential", "fill"],
      { cwd: repo, env: { ...baseEnv(home), GIT_TERMINAL_PROMPT: "0" } },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
    );
    child.stdin?.end(`url=${controller.url}/remote-app.git\n\n`);
  });
  t.regex(output, new RegExp(`username=alice\npassword=${token}\n`));
});

test("git-credential is not listed in help", async (t) => {
  t.false((await berth(["help"], { home })).stdout.includes("git-credential"));
});
