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

async function app(name: string, procfile?: string): Promise<void> {
  await createApp(home, name, procfile);
}

async function limits(name: string): Promise<unknown> {
  return JSON.parse((await berth(["limits", "--json", "-a", name], { home })).stdout);
}

test("limits:set makes a release, shows the limits and waits for the rollout", async (t) => {
  await app("capped");
  const result = await berth(["limits:set", "memory=512M", "cpu=500m", "-a", "capped"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "=== capped Limits\nTYPE  MEMORY  CPU\nweb   512M    500m\n");
  t.is(result.stderr, "✓ v2 of capped deployed\n");
  const release = await berth(["releases:info", "v2", "-a", "capped"], { home });
  t.regex(release.stdout, /summary: +alice added limits for web/);
});

test("limits:set --type sets one type and keeps the type's other limit", async (t) => {
  await app("two-types", "web: a; worker: b");
  t.is((await berth(["limits:set", "memory=1G", "--type", "worker", "-a", "two-types"], { home })).code, 0);
  const more = await berth(["limits:set", "cpu=1.5", "-t", "worker", "--no-wait", "-a", "two-types"], { home });
  t.is(more.code, 0, more.stderr);
  t.is(more.stderr, "v4 is rolling out; `berth releases -a two-types` shows how it ends\n");
  t.deepEqual(await limits("two-types"), { worker: { memory: "1G", cpu: "1.5" } });
  t.is((await berth(["limits", "-a", "two-types"], { home })).stdout, "=== two-types Limits\nTYPE    MEMORY  CPU\nworker  1G      1.5\n");
});

test("limits of an app without any say so, and how to set some", async (t) => {
  await app("unlimited");
  t.is(
    (await berth(["limits", "-a", "unlimited"], { home })).stdout,
    "unlimited has no limits: its processes may use all the memory and CPU they can get\n" +
      "set some with `berth limits:set memory=512M cpu=500m -a unlimited`\n",
  );
  t.deepEqual(await limits("unlimited"), {});
});

test("limits:unset removes one limit, or both; a limit that is not there is an error", async (t) => {
  await app("uncapped");
  await berth(["limits:set", "memory=256M", "cpu=250m", "-a", "uncapped"], { home });
  const one = await berth(["limits:unset", "memory", "-a", "uncapped"], { home });
  t.is(one.code, 0, one.stderr);
  t.is(one.stdout, "=== uncapped Limits\nTYPE  MEMORY     CPU\nweb   unlimited  250m\n");
  t.is(one.stderr, "✓ v3 of uncapped deployed\n");
  const again = await berth(["limits:unset", "memory", "-a", "uncapped"], { home });
  t.is(again.code, 1);
  t.is(again.stderr, "error: web of uncapped has no memory limit to remove\nhint: `berth limits -a uncapped` shows its limits\n");
  t.is((await berth(["limits:unset", "-a", "uncapped"], { home })).code, 0);
  t.deepEqual(await limits("uncapped"), {});
});

test("a limit that is not memory=SIZE or cpu=CPUS is a usage error, and nothing is released", async (t) => {
  await app("bad-syntax");
  for (const bad of ["disk=fast", "memory", "memory="]) {
    const result = await berth(["limits:set", bad, "-a", "bad-syntax"], { home });
    t.is(result.code, 2, bad);
    t.is(
      result.stderr,
      `error: "${bad}" is not memory=SIZE or cpu=CPUS\nhint: e.g. \`berth limits:set memory=512M cpu=500m --type web\`\n`,
    );
  }
  const deis = await berth(["limits:set", "worker=1G", "-a", "bad-syntax"], { home });
  t.is(deis.code, 2);
  t.is(
    deis.stderr,
    'error: "worker=1G" is not memory=SIZE or cpu=CPUS\nhint: Deis\'s TYPE=SIZE is written `berth limits:set memory=1G --type worker` here\n',
  );
  const unset = await berth(["limits:unset", "disk", "-a", "bad-syntax"], { home });
  t.is(unset.code, 2);
  t.is(unset.stderr, 'error: "disk" is not memory or cpu\nhint: e.g. `berth limits:unset memory --type web`\n');
  t.regex((await berth(["releases", "-a", "bad-syntax"], { home })).stdout, /^=== bad-syntax Releases\nVERSION.*\nv1 /);
});

test("a size the controller refuses comes back with its message, and nothing is released", async (t) => {
  await app("bad-size");
  const memory = await berth(["limits:set", "memory=lots", "-a", "bad-size"], { home });
  t.is(memory.code, 1);
  t.is(
    memory.stderr,
    "error: limits.web.memory: must be a size like 256M or 1G\n" +
      "hint: memory is a size like 512M or 1G, cpu millicores like 500m or cores like 1.5; see `berth help limits:set`\n",
  );
  const cpu = await berth(["limits:set", "cpu=0.0001", "-a", "bad-size"], { home });
  t.is(cpu.code, 1);
  t.regex(cpu.stderr, /must be millicores like 500m or cores like 1 or 1\.5/);
  t.deepEqual(await limits("bad-size"), {});
});

test("a type that is not in the build is refused, naming the build's types", async (t) => {
  await app("typed", "web: a; worker: b");
  const result = await berth(["limits:set", "memory=1G", "--type", "db", "-a", "typed"], { home });
  t.is(result.code, 1);
  t.is(result.stderr, 'error: process type "db" is not in the current build of typed\nhint: the build\'s types are: web, worker\n');
  t.deepEqual(await limits("typed"), {});
});

test("a malformed type is the controller's error, with its hint", async (t) => {
  await app("untyped");
  const result = await berth(["limits:set", "memory=1G", "--type", "Bad_Type", "-a", "untyped"], { home });
  t.is(result.code, 1);
  t.is(
    result.stderr,
    'error: limits.Bad_Type: "Bad_Type" is not a valid process type\nhint: use lowercase letters and digits joined by dashes (web, worker, clock-2)\n',
  );
});

test("limits need a login", async (t) => {
  const result = await berth(["limits:set", "memory=1G", "-a", "capped"], { home: await tempHome() });
  t.is(result.code, 1);
  t.regex(result.stderr, /^error: you are not logged in\n/);
});
