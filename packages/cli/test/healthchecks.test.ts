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

async function checks(name: string): Promise<unknown> {
  return JSON.parse((await berth(["healthchecks", "--json", "-a", name], { home })).stdout);
}

/** What every listing ends with: the app's post-deploy watch and batches (the platform's defaults here). */
function rolloutLines(
  app: string,
  watch = "a ready release is watched for 10s; instances that crash in it fail it and bring the previous release back",
): string {
  return (
    `${watch} (BERTH_DEPLOY_WATCH)\n` +
    "batches of 1 instance(s), each given 120s to become ready (BERTH_DEPLOY_BATCHES, BERTH_DEPLOY_TIMEOUT)\n" +
    `change them with \`berth config:set BERTH_DEPLOY_WATCH=30 -a ${app}\`\n`
  );
}

const usageHint = "hint: e.g. `berth healthchecks:set path=/health timeout=3 --type web`; keys: path, delay, timeout, period, failures\n";

test("healthchecks:set makes a release, shows the checks with their defaults and waits for the rollout", async (t) => {
  await app("checked");
  const result = await berth(["healthchecks:set", "path=/health", "timeout=3", "-a", "checked"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    "=== checked Healthchecks\n" +
      "TYPE  CHECK        DELAY  TIMEOUT  PERIOD  FAILURES\n" +
      "web   GET /health  0s     3s       2s      3\n" +
      rolloutLines("checked"),
  );
  t.is(result.stderr, "✓ v2 of checked deployed\n");
  t.deepEqual(await checks("checked"), { web: { path: "/health", timeout: 3 } });
});

test("healthchecks:set merges with the type's check; both spellings of the long keys work", async (t) => {
  await app("merged", "web: a; worker: b");
  await berth(["healthchecks:set", "delay=10", "--type", "worker", "-a", "merged"], { home });
  const more = await berth(["healthchecks:set", "failure-threshold=5", "initialDelay=20", "period=7", "-t", "worker", "-a", "merged"], {
    home,
  });
  t.is(more.code, 0, more.stderr);
  t.deepEqual(await checks("merged"), { worker: { initialDelay: 20, failureThreshold: 5, period: 7 } });
  t.is(
    (await berth(["healthchecks", "-a", "merged"], { home })).stdout,
    "=== merged Healthchecks\nTYPE    CHECK      DELAY  TIMEOUT  PERIOD  FAILURES\nworker  tcp $PORT  20s    2s       7s      5\n" +
      rolloutLines("merged"),
  );
});

test("healthchecks of an app without any say what readiness means then", async (t) => {
  await app("unchecked");
  t.is(
    (await berth(["healthchecks", "-a", "unchecked"], { home })).stdout,
    "unchecked has no healthchecks: an instance is ready once it accepts connections on $PORT\n" +
      "set one with `berth healthchecks:set path=/health -a unchecked`\n" +
      rolloutLines("unchecked"),
  );
});

test("healthchecks show the app's own post-deploy watch, and when it is off", async (t) => {
  await app("unwatched");
  t.is((await berth(["config:set", "BERTH_DEPLOY_WATCH=0", "-a", "unwatched"], { home })).code, 0);
  t.true(
    (await berth(["healthchecks", "-a", "unwatched"], { home })).stdout.endsWith(
      rolloutLines("unwatched", "no post-deploy watch: a release counts as deployed once it is ready"),
    ),
  );
});

test("healthchecks:unset removes the type's check; a type without one is an error", async (t) => {
  await app("dropped");
  await berth(["healthchecks:set", "path=/up", "-a", "dropped"], { home });
  const result = await berth(["healthchecks:unset", "--no-wait", "-a", "dropped"], { home });
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^dropped has no healthchecks/);
  t.is(result.stderr, "v3 is rolling out; `berth releases -a dropped` shows how it ends\n");
  const again = await berth(["healthchecks:unset", "-a", "dropped"], { home });
  t.is(again.code, 1);
  t.is(again.stderr, "error: web of dropped has no healthcheck to remove\nhint: `berth healthchecks -a dropped` shows its checks\n");
});

test("unknown keys and non-numbers are usage errors, and nothing is released", async (t) => {
  await app("bad-keys");
  for (const [arg, message] of [
    ["url=/health", '"url=/health" is not a healthcheck setting'],
    ["path", '"path" is not a healthcheck setting'],
    ["timeout=soon", 'timeout must be a whole number of seconds (or checks), not "soon"'],
  ] as const) {
    const result = await berth(["healthchecks:set", arg, "-a", "bad-keys"], { home });
    t.is(result.code, 2, arg);
    t.is(result.stderr, `error: ${message}\n${usageHint}`);
  }
  t.deepEqual(await checks("bad-keys"), {});
});

test("values the controller refuses come back with its message and a hint", async (t) => {
  await app("bad-values");
  const path = await berth(["healthchecks:set", "path=health", "-a", "bad-values"], { home });
  t.is(path.code, 1);
  t.is(
    path.stderr,
    "error: healthchecks.web.path: must be a URL path starting with /\nhint: `berth help healthchecks:set` lists the keys and their ranges\n",
  );
  const timeout = await berth(["healthchecks:set", "timeout=0", "-a", "bad-values"], { home });
  t.regex(timeout.stderr, /^error: healthchecks\.web\.timeout: must be an integer from 1 to 300\n/);
  t.deepEqual(await checks("bad-values"), {});
});

test("a type that is not in the build is refused; no login is an error", async (t) => {
  await app("typed-checks", "web: a");
  const unknown = await berth(["healthchecks:set", "path=/", "--type", "worker", "-a", "typed-checks"], { home });
  t.is(unknown.code, 1);
  t.is(unknown.stderr, 'error: process type "worker" is not in the current build of typed-checks\nhint: the build\'s types are: web\n');
  const anonymous = await berth(["healthchecks", "-a", "typed-checks"], { home: await tempHome() });
  t.is(anonymous.code, 1);
  t.regex(anonymous.stderr, /^error: you are not logged in\n/);
});
