import test from "ava";
import { berth, createApp, loggedIn, tempHome } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
});
test.after.always(() => controller?.close());

const app = (name: string) => createApp(home, name);

async function settings(name: string): Promise<Record<string, unknown>> {
  return JSON.parse((await berth(["settings", "--json", "-a", name], { home })).stdout);
}

test("settings shows every router setting, with the defaults of a new app", async (t) => {
  await app("fresh");
  const result = await berth(["settings", "-a", "fresh"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    "=== fresh Router Settings\n" +
      "maintenance:      off\n" +
      "routing:          enabled\n" +
      "allowlist:        everyone\n" +
      "connect timeout:  5s\n" +
      "read timeout:     60s\n",
  );
  t.deepEqual(await settings("fresh"), {
    app: "fresh",
    maintenance: false,
    routable: true,
    allowlist: [],
    connectTimeout: 5,
    readTimeout: 60,
  });
});

test("maintenance:on and :off switch maintenance mode; maintenance shows it; repeating is not an error", async (t) => {
  await app("fixing");
  const on = await berth(["maintenance:on", "-a", "fixing"], { home });
  t.is(on.code, 0, on.stderr);
  t.is(on.stdout, "maintenance mode is on for fixing: the router answers 503 with a maintenance page\n");
  t.is((await berth(["maintenance", "-a", "fixing"], { home })).stdout, on.stdout);
  t.deepEqual(JSON.parse((await berth(["maintenance", "--json", "-a", "fixing"], { home })).stdout), { app: "fixing", maintenance: true });
  const again = await berth(["maintenance:on", "-a", "fixing"], { home });
  t.is(again.code, 0, again.stderr);
  t.is(again.stdout, "maintenance mode is on for fixing: the router answers 503 with a maintenance page (it already was)\n");
  t.is((await berth(["maintenance:off", "-a", "fixing"], { home })).stdout, "maintenance mode is off for fixing\n");
  t.is((await settings("fixing")).maintenance, false);
});

test("routing:disable stops the router serving the app, routing:enable brings it back", async (t) => {
  await app("hidden");
  t.is(
    (await berth(["routing:disable", "-a", "hidden"], { home })).stdout,
    "routing is disabled for hidden: the router does not serve it\n",
  );
  t.is((await berth(["routing", "-a", "hidden"], { home })).stdout, "routing is disabled for hidden: the router does not serve it\n");
  t.is((await settings("hidden")).routable, false);
  t.is((await berth(["routing:enable", "-a", "hidden"], { home })).stdout, "routing is enabled for hidden\n");
  t.is((await settings("hidden")).routable, true);
});

test("allowlist:add adds normalised CIDRs to the list, allowlist shows it, allowlist:remove takes them off", async (t) => {
  await app("guarded");
  const added = await berth(["allowlist:add", "203.0.113.0/24", "198.51.100.7", "2001:DB8::/32", "-a", "guarded"], { home });
  t.is(added.code, 0, added.stderr);
  t.is(added.stdout, "=== guarded Allowlist\n203.0.113.0/24\n198.51.100.7/32\n2001:db8::/32\n");
  t.is((await berth(["allowlist:add", "198.51.100.7", "10.0.0.0/8", "-a", "guarded"], { home })).code, 0);
  t.deepEqual(JSON.parse((await berth(["allowlist", "--json", "-a", "guarded"], { home })).stdout), [
    "203.0.113.0/24",
    "198.51.100.7/32",
    "2001:db8::/32",
    "10.0.0.0/8",
  ]);
  const removed = await berth(["allowlist:remove", "198.51.100.7", "2001:db8::/32", "-a", "guarded"], { home });
  t.is(removed.stdout, "=== guarded Allowlist\n203.0.113.0/24\n10.0.0.0/8\n");
  await berth(["allowlist:remove", "203.0.113.0/24", "10.0.0.0/8", "-a", "guarded"], { home });
  t.is(
    (await berth(["allowlist", "-a", "guarded"], { home })).stdout,
    "everyone may reach guarded: limit it with `berth allowlist:add 203.0.113.0/24 -a guarded`\n",
  );
});

test("the whitelist commands are aliases of the allowlist ones", async (t) => {
  await app("old-names");
  t.is((await berth(["whitelist:add", "192.0.2.0/24", "-a", "old-names"], { home })).code, 0);
  t.is((await berth(["whitelist", "-a", "old-names"], { home })).stdout, "=== old-names Allowlist\n192.0.2.0/24\n");
  t.is((await berth(["whitelist:remove", "192.0.2.0/24", "-a", "old-names"], { home })).code, 0);
  t.deepEqual((await settings("old-names")).allowlist, []);
});

test("a bad CIDR is a usage error and changes nothing; removing what is not listed is an error", async (t) => {
  await app("strict");
  await berth(["allowlist:add", "192.0.2.1", "-a", "strict"], { home });
  for (const bad of ["10.0.0.300/8", "10.0.0.0/33", "example.com", "10.0.0.0/8/1", "::1/129"]) {
    const result = await berth(["allowlist:add", "10.1.0.0/16", bad, "-a", "strict"], { home });
    t.is(result.code, 2, bad);
    t.is(result.stderr, `error: "${bad}" is not an IP address or CIDR\nhint: e.g. 203.0.113.0/24, 198.51.100.7 or 2001:db8::/32\n`);
  }
  t.deepEqual((await settings("strict")).allowlist, ["192.0.2.1/32"]);
  const missing = await berth(["allowlist:remove", "10.9.0.0/16", "-a", "strict"], { home });
  t.is(missing.code, 1);
  t.is(missing.stderr, "error: 10.9.0.0/16 is not on the allowlist of strict\nhint: `berth allowlist -a strict` lists it\n");
});

test("timeouts:set changes the router's timeouts; timeouts shows them", async (t) => {
  await app("patient");
  const result = await berth(["timeouts:set", "read=300", "connect=2", "-a", "patient"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "=== patient Timeouts\nconnect:  2s\nread:     300s\n");
  t.is((await berth(["timeouts", "-a", "patient"], { home })).stdout, result.stdout);
  t.deepEqual(JSON.parse((await berth(["timeouts", "--json", "-a", "patient"], { home })).stdout), {
    app: "patient",
    connectTimeout: 2,
    readTimeout: 300,
  });
});

test("bad timeouts are usage errors, or the controller's range error with a hint", async (t) => {
  await app("impatient");
  for (const bad of ["write=5", "read=soon", "read", "connect=-1"]) {
    const result = await berth(["timeouts:set", bad, "-a", "impatient"], { home });
    t.is(result.code, 2, bad);
    t.is(result.stderr, `error: "${bad}" is not connect=SECONDS or read=SECONDS\nhint: e.g. \`berth timeouts:set connect=5 read=60\`\n`);
  }
  const range = await berth(["timeouts:set", "read=99999", "-a", "impatient"], { home });
  t.is(range.code, 1);
  t.is(
    range.stderr,
    "error: readTimeout: must be a whole number of seconds from 1 to 3600\n" +
      "hint: connect takes 1 to 300 seconds, read 1 to 3600; e.g. `berth timeouts:set connect=5 read=60`\n",
  );
  t.is((await settings("impatient")).readTimeout, 60);
});

test("router settings need a login and an existing app", async (t) => {
  const anonymous = await berth(["maintenance:on", "-a", "fresh"], { home: await tempHome() });
  t.is(anonymous.code, 1);
  t.regex(anonymous.stderr, /^error: you are not logged in\n/);
  const unknown = await berth(["routing:disable", "-a", "no-such-app"], { home });
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /^error: .*no-such-app.*\nhint: /);
});
