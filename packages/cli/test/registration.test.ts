import { readFile } from "node:fs/promises";
import { join } from "node:path";
import test from "ava";
import { berth, loggedIn, tempHome } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
/** The first user, registered once: only one registration can be the first. */
let adminHome: string;
test.before(async () => {
  controller = await startController({ registrationMode: "admin_only" });
  adminHome = await loggedIn(controller.url, "root");
});
test.after.always(() => controller?.close());

test("where only administrators register users, a stranger is told to ask one", async (t) => {
  const result = await berth(["register", controller.url, "--username", "eve", "--password", "eve-password"], { home: await tempHome() });
  t.is(result.code, 1);
  t.is(
    result.stderr,
    "error: only administrators may register new users\nhint: this platform already has users: ask an administrator to run `berth register` for you\n",
  );
});

test("a logged-in administrator registers someone else and stays logged in as themselves", async (t) => {
  const admin = adminHome;
  const before = await readFile(join(admin, ".berth", "client.json"), "utf8");
  const result = await berth(["register", controller.url, "--username", "newbie", "--password", "newbie-password"], { home: admin });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, `registered newbie; they log in with \`berth login ${controller.url}\`\n`);
  t.is(await readFile(join(admin, ".berth", "client.json"), "utf8"), before);
  const newbie = await berth(["login", controller.url, "--username", "newbie", "--password", "newbie-password"], {
    home: await tempHome(),
  });
  t.is(newbie.code, 0, newbie.stderr);
});

test("a malformed URL or profile name is refused before anything is sent", async (t) => {
  const home = await tempHome();
  const url = await berth(["login", "ftp://x", "--username", "a", "--password", "b"], { home });
  t.is(url.code, 1);
  t.is(url.stderr, 'error: "ftp://x" is not an http(s) URL\nhint: e.g. http://berth.localhost:8080\n');
  const profile = await berth(["whoami"], { home, env: { BERTH_PROFILE: "../etc/passwd" } });
  t.is(profile.code, 1);
  t.is(
    profile.stderr,
    'error: BERTH_PROFILE="../etc/passwd" is not a profile name\nhint: use letters, digits, dots, dashes, or a path ending in .json\n',
  );
});
