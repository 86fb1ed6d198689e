import test from "ava";
import { berth, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { remoteNames, remoteUrl, tempRepo } from "./helpers/repo.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
});
test.after.always(() => controller?.close());

test("create in a repository makes the app and the berth git remote", async (t) => {
  const repo = await tempRepo(home);
  const result = await berth(["create", "first-app"], { home, cwd: repo });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "created first-app — http://first-app.localhost:8080\ngit remote berth added: deploy with `git push berth main`\n");
  t.is(await remoteUrl(home, repo, "berth"), `${controller.url}/first-app.git`);
});

test("create --remote names the remote; --no-remote adds none", async (t) => {
  const repo = await tempRepo(home);
  t.is((await berth(["create", "named-remote", "--remote", "staging"], { home, cwd: repo })).code, 0);
  t.is(await remoteUrl(home, repo, "staging"), `${controller.url}/named-remote.git`);
  const other = await tempRepo(home);
  const result = await berth(["create", "no-remote-app", "--no-remote"], { home, cwd: other });
  t.is(result.stdout, "created no-remote-app — http://no-remote-app.localhost:8080\n");
  t.deepEqual(await remoteNames(home, other), []);
});

test("create without a name picks one; outside a repository it says how to add the remote", async (t) => {
  const result = await berth(["create"], { home });
  t.is(result.code, 0, result.stderr);
  t.regex(
    result.stdout,
    /^created [a-z0-9-]+ — http:\/\/[a-z0-9-]+\.localhost:8080\nnot in a git repository: add the remote later with `berth git:remote -a [a-z0-9-]+`\n$/,
  );
});

test("create refuses a clashing remote before making the app", async (t) => {
  const repo = await tempRepo(home);
  await berth(["create", "clash-one"], { home, cwd: repo });
  const result = await berth(["create", "clash-two"], { home, cwd: repo });
  t.is(result.code, 2);
  t.regex(result.stderr, /error: this repository has a git remote "berth" already/);
  t.is((await berth(["info", "-a", "clash-two"], { home })).code, 1);
});

test("create with a taken or invalid name shows the controller's error", async (t) => {
  await berth(["create", "taken-name", "--no-remote"], { home });
  const taken = await berth(["create", "taken-name", "--no-remote"], { home });
  t.is(taken.code, 1);
  t.regex(taken.stderr, /^error: .*taken-name.*\n/);
  const invalid = await berth(["create", "Bad_Name", "--no-remote"], { home });
  t.is(invalid.code, 1);
  t.regex(invalid.stderr, /error: id: "Bad_Name" is not a valid app name\nhint: use lowercase letters/);
});

test("apps lists the apps in an aligned table, or JSON", async (t) => {
  const own = await loggedIn(controller.url, "lister");
  await berth(["create", "list-a", "--no-remote"], { home: own });
  await berth(["create", "list-bb", "--no-remote"], { home: own });
  const result = await berth(["apps"], { home: own });
  const lines = result.stdout.trimEnd().split("\n");
  t.is(lines.length, 3);
  t.regex(lines[0] ?? "", /^APP {6}OWNER {3}URL {28}CREATED$/);
  t.regex(lines[1] ?? "", /^list-a {3}lister {2}http:\/\/list-a\.localhost:8080 {3}\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
  t.regex(lines[2] ?? "", /^list-bb {2}lister {2}http:\/\/list-bb\.localhost:8080 {2}\d{4}-/);
  const json = JSON.parse((await berth(["apps", "--json"], { home: own })).stdout);
  t.deepEqual(json.map((app: { id: string }) => app.id).sort(), ["list-a", "list-bb"]);
});

test("apps with none says how to create one", async (t) => {
  const empty = await loggedIn(controller.url, "nobody-apps");
  t.is((await berth(["apps"], { home: empty })).stdout, "no apps yet: create one with `berth create <name>`\n");
});

test("info takes the app from the berth remote of the current repository", async (t) => {
  const repo = await tempRepo(home);
  await berth(["create", "info-app"], { home, cwd: repo });
  const result = await berth(["info"], { home, cwd: repo });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^=== info-app Application\nowner: {6}alice\nurl: {8}http:\/\/info-app\.localhost:8080\n/);
  t.regex(result.stdout, /release: {4}v1 deployed — /);
  t.regex(result.stdout, new RegExp(`git: {8}${controller.url}/info-app.git`));
});

test("an app command with no -a and no remote says how to name the app", async (t) => {
  const result = await berth(["info"], { home });
  t.is(result.code, 2);
  t.is(
    result.stderr,
    `error: no app given, and no berth git remote in ${home}\nhint: pass -a <app>, or run \`berth git:remote -a <app>\` in the app's repository\n`,
  );
});

test("info of an unknown app shows the controller's message and hint", async (t) => {
  const result = await berth(["info", "-a", "no-such-app"], { home });
  t.is(result.code, 1);
  t.regex(result.stderr, /^error: app "no-such-app" not found\nhint: .*berth apps/);
});

test("open opens the app's URL", async (t) => {
  await berth(["create", "open-me", "--no-remote"], { home });
  const result = await berth(["open", "-a", "open-me"], { home });
  t.deepEqual(result.opened, ["http://open-me.localhost:8080"]);
});

test("destroy --confirm deletes the app and its remote here", async (t) => {
  const repo = await tempRepo(home);
  await berth(["create", "doomed"], { home, cwd: repo });
  const result = await berth(["destroy", "--confirm=doomed"], { home, cwd: repo });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "destroyed doomed\ngit remote berth removed\n");
  t.deepEqual(await remoteNames(home, repo), []);
  t.is((await berth(["info", "-a", "doomed"], { home })).code, 1);
});

test("destroy asks for the name on a terminal; a wrong answer destroys nothing", async (t) => {
  await berth(["create", "kept", "--no-remote"], { home });
  const wrong = await berth(["destroy", "-a", "kept"], { home, tty: true, answers: [["Type kept to confirm:", "kpet\r"]] });
  t.is(wrong.code, 2);
  t.regex(wrong.stderr, /error: "kpet" is not "kept"; nothing was destroyed/);
  t.is((await berth(["info", "-a", "kept"], { home })).code, 0);
  const right = await berth(["destroy", "-a", "kept"], { home, tty: true, answers: [["Type kept to confirm:", "kept\r"]] });
  t.is(right.code, 0, right.stderr);
  t.is((await berth(["info", "-a", "kept"], { home })).code, 1);
});

test("destroy without a terminal or --confirm refuses", async (t) => {
  await berth(["create", "safe", "--no-remote"], { home });
  const result = await berth(["destroy", "-a", "safe"], { home });
  t.is(result.code, 2);
  t.regex(result.stderr, /hint: pass --confirm=safe to destroy without a prompt/);
});

test("apps:transfer gives the app to another user", async (t) => {
  const bob = await loggedIn(controller.url, "bob");
  await berth(["create", "gift", "--no-remote"], { home });
  const result = await berth(["apps:transfer", "bob", "-a", "gift"], { home });
  t.is(result.stdout, "gift now belongs to bob\n");
  t.regex((await berth(["info", "-a", "gift"], { home: bob })).stdout, /owner: {6}bob/);
  const missing = await berth(["apps:transfer", "-a", "gift"], { home });
  t.is(missing.code, 2);
  t.is(missing.stderr, "error: apps:transfer needs <user>\nhint: see `berth help apps:transfer`\n");
});

test("a user without access is told so", async (t) => {
  const stranger = await loggedIn(controller.url, "stranger");
  await berth(["create", "private-app", "--no-remote"], { home });
  const result = await berth(["info", "-a", "private-app"], { home: stranger });
  t.is(result.code, 1);
  t.regex(result.stderr, /error: you do not have access to app "private-app"\nhint: ask its owner/);
});

test("without -a the app of any remote pointing at this platform is used", async (t) => {
  const repo = await tempRepo(home);
  await berth(["create", "via-prod", "--remote", "prod"], { home, cwd: repo });
  const result = await berth(["info", "--json"], { home, cwd: repo });
  t.is(JSON.parse(result.stdout).id, "via-prod");
});

test("--limit cuts the list and says so on stderr", async (t) => {
  const own = await loggedIn(controller.url, "many");
  for (const name of ["many-a", "many-b", "many-c"]) await berth(["create", name, "--no-remote"], { home: own });
  const result = await berth(["apps", "--limit", "2"], { home: own });
  t.is(result.stdout.trimEnd().split("\n").length, 3);
  t.is(result.stderr, "2 of 3 apps shown; --limit shows more (up to 1000)\n");
  const bad = await berth(["apps", "--limit", "lots"], { home: own });
  t.is(bad.code, 2);
  t.is(bad.stderr, "error: --limit lots is not a number from 1 to 1000\nhint: e.g. --limit 20\n");
});
