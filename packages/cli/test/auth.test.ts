import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { git } from "../src/git.ts";
import { baseEnv, berth, tempHome } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
test.before(async () => {
  controller = await startController();
  const home = await tempHome();
  await berth(["register", controller.url, "--username", "admin", "--password", "admin-password"], { home });
});
test.after.always(() => controller?.close());

test("register creates the user, logs in and keeps URL, username and token in a private profile", async (t) => {
  const home = await tempHome();
  const result = await berth(["register", controller.url, "--username", "reg1", "--password", "correct-horse"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `registered reg1 and logged in to ${controller.url}\n`);
  const path = join(home, ".berth", "client.json");
  const profile = JSON.parse(await readFile(path, "utf8"));
  t.deepEqual(Object.keys(profile).sort(), ["controller", "token", "username"]);
  t.is(profile.controller, controller.url);
  t.is(profile.username, "reg1");
  t.false(JSON.stringify(profile).includes("correct-horse"));
  t.is((await stat(path)).mode & 0o777, 0o600);
  t.is((await stat(join(home, ".berth"))).mode & 0o777, 0o700);
});

test("register on a terminal asks for the username and, hidden and twice, the password", async (t) => {
  const home = await tempHome();
  const result = await berth(["register", controller.url], {
    home,
    tty: true,
    answers: [
      ["username:", "prompted\r"],
      ["new password:", "sekret-words\r"],
      ["new password (again):", "sekret-words\r"],
    ],
  });
  t.is(result.code, 0, result.stderr);
  t.true(result.stderr.includes("username: prompted"));
  t.false(result.stderr.includes("sekret-words"));
  t.regex(result.stdout, /registered prompted and logged in/);
});

test("two different passwords at the prompts register nobody", async (t) => {
  const home = await tempHome();
  const result = await berth(["register", controller.url, "--username", "typo"], {
    home,
    tty: true,
    answers: [
      ["new password:", "first-password\r"],
      ["new password (again):", "other-password\r"],
    ],
  });
  t.is(result.code, 1);
  t.regex(result.stderr, /error: the two passwords differ/);
  const login = await berth(["login", controller.url, "--username", "typo", "--password", "first-password"], { home });
  t.is(login.code, 1);
});

test("without a terminal a missing password is a usage error that names the option", async (t) => {
  const home = await tempHome();
  const result = await berth(["login", controller.url, "--username", "admin"], { home });
  t.is(result.code, 2);
  t.is(result.stderr, 'error: no terminal to ask "password"\nhint: pass --password <password>\n');
});

test("Ctrl-C at the password prompt exits with 130 and saves nothing", async (t) => {
  const home = await tempHome();
  const result = await berth(["login", controller.url, "--username", "admin"], { home, tty: true, answers: [["password:", "\u0003"]] });
  t.is(result.code, 130);
  await t.throwsAsync(stat(join(home, ".berth", "client.json")));
});

test("login with a wrong password shows the controller's message and hint and exits 1", async (t) => {
  const home = await tempHome();
  const result = await berth(["login", controller.url, "--username", "admin", "--password", "wrong-password"], { home });
  t.is(result.code, 1);
  t.is(result.stderr, "error: wrong username or password\nhint: check both; an administrator can reset passwords\n");
});

test("login then whoami shows the user and the platform; --json for scripts", async (t) => {
  const home = await tempHome();
  const login = await berth(["login", controller.url, "--username", "admin", "--password", "admin-password"], { home });
  t.is(login.stdout, `logged in as admin at ${controller.url}\n`);
  const whoami = await berth(["whoami"], { home });
  t.is(whoami.stdout, `You are admin at ${controller.url} (administrator)\n`);
  const json = JSON.parse((await berth(["whoami", "--json"], { home })).stdout);
  t.like(json, { username: "admin", isAdmin: true, controller: controller.url });
});

test("logout forgets the token; commands then say how to log in", async (t) => {
  const home = await tempHome();
  await berth(["login", controller.url, "--username", "admin", "--password", "admin-password"], { home });
  t.is((await berth(["logout"], { home })).stdout, `logged out of ${controller.url}\n`);
  const after = await berth(["whoami"], { home });
  t.is(after.code, 1);
  t.is(
    after.stderr,
    "error: you are not logged in\nhint: run `berth login <url>` (or `berth register <url>`), or set BERTH_TOKEN and BERTH_URL\n",
  );
});

test("BERTH_PROFILE keeps a second login apart, by name or by path", async (t) => {
  const home = await tempHome();
  await berth(["login", controller.url, "--username", "admin", "--password", "admin-password"], {
    home,
    env: { BERTH_PROFILE: "staging" },
  });
  await stat(join(home, ".berth", "staging.json"));
  await t.throwsAsync(stat(join(home, ".berth", "client.json")));
  const byPath = join(home, "elsewhere.json");
  await berth(["login", controller.url, "--username", "admin", "--password", "admin-password"], { home, env: { BERTH_PROFILE: byPath } });
  t.is((await stat(byPath)).mode & 0o777, 0o600);
  t.regex((await berth(["whoami"], { home, env: { BERTH_PROFILE: "staging" } })).stdout, /You are admin/);
});

test("BERTH_TOKEN and BERTH_URL work without a profile", async (t) => {
  const home = await tempHome();
  const issued = await berth(["auth:token"], { home: await loginHome("envuser") });
  const result = await berth(["whoami"], { home, env: { BERTH_TOKEN: issued.stdout.trim(), BERTH_URL: controller.url } });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `You are envuser at ${controller.url}\n`);
});

test("BERTH_URL without a scheme is an http:// URL, as `berth login` takes one", async (t) => {
  const home = await tempHome();
  const issued = await berth(["auth:token"], { home: await loginHome("schemeless") });
  const result = await berth(["whoami"], {
    home,
    env: { BERTH_TOKEN: issued.stdout.trim(), BERTH_URL: `${new URL(controller.url).host}/` },
  });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `You are schemeless at ${controller.url}\n`);
});

test("a BERTH_URL berth cannot use is one error naming it, and only commands that need it fail", async (t) => {
  const home = await tempHome();
  const env = { BERTH_TOKEN: "some-token", BERTH_URL: "ftp://x" };
  const result = await berth(["whoami"], { home, env });
  t.is(result.code, 1);
  t.is(result.stderr, 'error: BERTH_URL="ftp://x" is not an http(s) URL\nhint: use an http(s) URL such as http://berth.localhost:8080\n');
  t.is((await berth(["help"], { home, env })).code, 0);
});

test("an empty BERTH_TOKEN counts as unset: the profile's token is used, and auth:token's new one replaces it", async (t) => {
  const home = await loginHome();
  const result = await berth(["auth:token"], { home, env: { BERTH_TOKEN: "" } });
  t.is(result.code, 0, result.stderr);
  const profile = JSON.parse(await readFile(join(home, ".berth", "client.json"), "utf8"));
  t.is(profile.token, result.stdout.trim());
  t.is((await berth(["whoami"], { home })).code, 0);
});

test("auth:token prints a new token and the profile keeps it; an older session's token stops working", async (t) => {
  const first = await loginHome("rotating");
  const second = await loginHome("rotating");
  const result = await berth(["auth:token"], { home: second });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^\S{32,}\n$/);
  t.regex(result.stderr, /earlier tokens no longer work/);
  t.is((await berth(["whoami"], { home: second })).code, 0);
  const expired = await berth(["whoami"], { home: first });
  t.is(expired.code, 1);
  t.is(
    expired.stderr,
    "error: the token is not valid (it may have been revoked, regenerated or ended by a password change)\nhint: log in again with `berth login`\n",
  );
});

test("auth:passwd changes the password: the old one stops working, the new one logs in", async (t) => {
  const home = await tempHome();
  await berth(["register", controller.url, "--username", "pw-user", "--password", "old-password"], { home });
  const result = await berth(["auth:passwd", "--password", "old-password", "--new-password", "new-password"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "password of pw-user changed; no other session was open\n");
  t.is((await berth(["login", controller.url, "--username", "pw-user", "--password", "old-password"], { home })).code, 1);
  t.is((await berth(["login", controller.url, "--username", "pw-user", "--password", "new-password"], { home })).code, 0);
});

test("login makes berth git's credential helper for the platform's URL", async (t) => {
  const home = await loginHome();
  const helpers = await git(["config", "--global", "--get-all", `credential.${controller.url}.helper`], { cwd: home, env: baseEnv(home) });
  const lines = helpers.replace(/\n$/, "").split("\n");
  t.is(lines[0], "");
  t.regex(lines[1] ?? "", /^!'.*node' '.*bin\/berth\.js' 'git-credential'$/);
});

test("an unreachable controller is named in one line, without a stack trace", async (t) => {
  const home = await tempHome();
  const result = await berth(["login", "http://127.0.0.1:9", "--username", "a", "--password", "b"], { home });
  t.is(result.code, 1);
  t.is(
    result.stderr,
    "error: cannot reach the controller at http://127.0.0.1:9\nhint: check the URL and that Berth is running (scripts/start)\n",
  );
});

test("BERTH_DEBUG=1 adds the stack and the cause", async (t) => {
  const home = await tempHome();
  const result = await berth(["login", "http://127.0.0.1:9", "--username", "a", "--password", "b"], { home, env: { BERTH_DEBUG: "1" } });
  t.is(result.code, 1);
  t.regex(result.stderr, /ApiError: cannot reach[\s\S]*\n\s+at /);
  t.regex(result.stderr, /ECONNREFUSED|fetch failed/);
});

let users = 0;

/** A home logged in as a user of its own (tests run concurrently; tokens must not collide). */
async function loginHome(username = `user${++users}`): Promise<string> {
  const home = await tempHome();
  let result = await berth(["login", controller.url, "--username", username, "--password", "some-password"], { home });
  if (result.code !== 0)
    result = await berth(["register", controller.url, "--username", username, "--password", "some-password"], { home });
  if (result.code !== 0) throw new Error(result.stderr);
  return home;
}

test("auth:passwd on a terminal asks for the current password and twice for the new one, all hidden", async (t) => {
  const home = await tempHome();
  await berth(["register", controller.url, "--username", "pw-prompted", "--password", "old-password"], { home });
  const result = await berth(["auth:passwd"], {
    home,
    tty: true,
    answers: [
      ["current password:", "old-password\r"],
      ["new password:", "fresh-password\r"],
      ["new password (again):", "fresh-password\r"],
    ],
  });
  t.is(result.code, 0, result.stderr);
  t.false(result.stderr.includes("password\r") || result.stderr.includes("fresh-password"));
  t.is((await berth(["login", controller.url, "--username", "pw-prompted", "--password", "fresh-password"], { home })).code, 0);
});

test("auth:passwd with a wrong current password changes nothing", async (t) => {
  const home = await tempHome();
  await berth(["register", controller.url, "--username", "pw-wrong", "--password", "old-password"], { home });
  const result = await berth(["auth:passwd", "--password", "not-it-at-all", "--new-password", "fresh-password"], { home });
  t.is(result.code, 1);
  t.is(result.stderr, "error: the current password is wrong\n");
  t.is((await berth(["login", controller.url, "--username", "pw-wrong", "--password", "old-password"], { home })).code, 0);
});

test("auth:passwd ends your other sessions, keeps this one, and says so", async (t) => {
  const phone = await loginHome("pw-sessions");
  const laptop = await loginHome("pw-sessions");
  const result = await berth(["auth:passwd", "--password", "some-password", "--new-password", "other-password"], { home: laptop });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "password of pw-sessions changed; 1 other session ended (this one goes on)\n");
  t.is((await berth(["whoami"], { home: phone })).code, 1);
  t.is((await berth(["whoami"], { home: laptop })).code, 0);
});

test("an administrator's auth:passwd --username ends all of that user's sessions and says how many", async (t) => {
  const victim = await loginHome("pw-reset");
  await loginHome("pw-reset");
  const admin = await tempHome();
  await berth(["login", controller.url, "--username", "admin", "--password", "admin-password"], { home: admin });
  const result = await berth(["auth:passwd", "--username", "pw-reset", "--new-password", "reset-password"], { home: admin });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "password of pw-reset changed; 2 sessions of pw-reset ended\n");
  t.is((await berth(["whoami"], { home: victim })).code, 1);
});
