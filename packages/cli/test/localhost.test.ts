import { execFile } from "node:child_process";
import { promisify } from "node:util";
import test from "ava";
import { baseEnv, berth, binPath, tempHome } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { remoteUrl, tempRepo } from "./helpers/repo.ts";

// The controller listens on 127.0.0.1 only; the names below resolve nowhere on this machine but in
// Berth's own client (`getent hosts berth.localhost` finds nothing here).
let controller: TestController;
let base: string;
test.before(async () => {
  controller = await startController();
  base = `http://berth.localhost:${new URL(controller.url).port}`;
  // The first user, so that the users of the tests below are plain users whatever their order.
  await berth(["register", base, "--username", "first", "--password", "first-password"], { home: await tempHome() });
});
test.after.always(() => controller?.close());

test("register, create and apps work against http://berth.localhost:PORT, which names the Host", async (t) => {
  const home = await tempHome();
  const registered = await berth(["register", base, "--username", "banner", "--password", "banner-password"], { home });
  t.is(registered.code, 0, registered.stderr);
  t.regex(registered.stdout, new RegExp(`logged in to ${base}\\n$`));
  const repo = await tempRepo(home);
  const created = await berth(["create", "banner-app"], { home, cwd: repo });
  t.is(created.code, 0, created.stderr);
  t.is(await remoteUrl(home, repo, "berth"), `${base}/banner-app.git`, "git is pointed at the same name");
  const apps = await berth(["apps"], { home });
  t.regex(apps.stdout, /banner-app/);
  // Every request of this file goes to the same name: each must have carried it as its Host.
  t.true(controller.hosts.length >= 3);
  t.deepEqual([...new Set(controller.hosts)], [`berth.localhost:${new URL(base).port}`]);
});

test("the berth binary itself reaches a controller at a name under localhost", async (t) => {
  const home = await tempHome();
  const login = await berth(["register", base, "--username", "spawned", "--password", "spawned-password"], { home });
  t.is(login.code, 0, login.stderr);
  const { stdout } = await promisify(execFile)(process.execPath, [binPath, "whoami"], { env: baseEnv(home) });
  t.is(stdout, `You are spawned at ${base}\n`);
});

test("a localhost name with nothing listening is the usual one-line 'cannot reach' error", async (t) => {
  const result = await berth(["login", "http://berth.localhost:9", "--username", "a", "--password", "b"], { home: await tempHome() });
  t.is(result.code, 1);
  t.is(
    result.stderr,
    "error: cannot reach the controller at http://berth.localhost:9\nhint: check the URL and that Berth is running (scripts/start)\n",
  );
});
