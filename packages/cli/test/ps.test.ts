import type { Pod } from "@berth/api";
import test from "ava";
import { berth, createApp, loggedIn, tempHome } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";
import { scriptedDeployer } from "./helpers/deployer.ts";

const engine = scriptedDeployer();
let controller: TestController;
let home: string;
test.before(async () => {
  controller = await startController({ deployer: engine.deployer });
  home = await loggedIn(controller.url);
});
test.after.always(() => controller?.close());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000 - 5000).toISOString();

function pod(app: string, type: string, k: number, fields: Partial<Pod> = {}): Pod {
  return {
    name: `${app}-v2-${type}-${k}`,
    type,
    release: "v2",
    state: "running",
    ready: true,
    started: minutesAgo(3),
    restarts: 0,
    ...fields,
  };
}

async function app(name: string, pods: Pod[]): Promise<void> {
  await createApp(home, name);
  engine.pods.set(name, pods);
}

test("ps lists the instances by process type with state, release, restarts and age", async (t) => {
  await app("listed", [
    pod("listed", "worker", 1, { state: "restarting", ready: false, restarts: 4, started: minutesAgo(125) }),
    pod("listed", "web", 10),
    pod("listed", "web", 2, { ready: false, started: null, state: "starting" }),
    pod("listed", "web", 1),
  ]);
  const result = await berth(["ps", "-a", "listed"], { home });
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    "=== listed Processes\n" +
      "--- web (3)\n" +
      "NAME              STATE     RELEASE  RESTARTS  AGE\n" +
      "listed-v2-web-1   up        v2       0         3m\n" +
      "listed-v2-web-2   starting  v2       0         -\n" +
      "listed-v2-web-10  up        v2       0         3m\n" +
      "--- worker (1)\n" +
      "NAME                STATE       RELEASE  RESTARTS  AGE\n" +
      "listed-v2-worker-1  restarting  v2       4         2h\n",
  );
});

test("a running instance that fails its healthcheck shows as not ready; --json gives the pods", async (t) => {
  await app("unready", [pod("unready", "web", 1, { ready: false })]);
  t.regex((await berth(["ps", "-a", "unready"], { home })).stdout, /unready-v2-web-1 +up, not ready +v2/);
  const json = await berth(["ps:list", "--json", "-a", "unready"], { home });
  t.deepEqual(JSON.parse(json.stdout), engine.pods.get("unready"));
});

test("ps of an app that runs nothing says how to start it", async (t) => {
  await app("idle", []);
  t.is(
    (await berth(["ps", "-a", "idle"], { home })).stdout,
    "idle runs no processes: deploy with `git push berth main`, or `berth scale web=1 -a idle`\n",
  );
});

test("ps:restart of a type restarts only that type and shows the new instances", async (t) => {
  await app("bounced", [
    pod("bounced", "web", 1, { restarts: 2, started: minutesAgo(90) }),
    pod("bounced", "worker", 1, { started: minutesAgo(90) }),
  ]);
  const result = await berth(["ps:restart", "web", "-a", "bounced"], { home });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(
    engine.restarts.filter(([name]) => name === "bounced"),
    [["bounced", "web"]],
  );
  t.is(result.stderr, "restarting the web processes of bounced…\n");
  t.regex(result.stdout, /bounced-v2-web-1 +up +v2 +0 +\d+s\n/);
  t.regex(result.stdout, /bounced-v2-worker-1 +up +v2 +0 +1h\n/);
});

test("restart without a type restarts every process", async (t) => {
  await app("everything", [pod("everything", "web", 1), pod("everything", "worker", 1)]);
  const result = await berth(["restart", "-a", "everything"], { home });
  t.is(result.code, 0, result.stderr);
  t.deepEqual(
    engine.restarts.filter(([name]) => name === "everything"),
    [["everything", undefined]],
  );
  t.is(result.stderr, "restarting every process of everything…\n");
});

test("ps:restart of a type the app does not run, or of an idle app, says what runs and restarts nothing", async (t) => {
  await app("typo", [pod("typo", "web", 1), pod("typo", "worker", 1)]);
  const unknown = await berth(["ps:restart", "wrker", "-a", "typo"], { home });
  t.is(unknown.code, 1);
  t.is(unknown.stderr, "error: typo runs no wrker processes\nhint: it runs: web, worker (`berth ps -a typo` lists them)\n");
  await app("asleep", []);
  const idle = await berth(["ps:restart", "-a", "asleep"], { home });
  t.is(idle.code, 1);
  t.is(idle.stderr, "error: asleep runs no processes to restart\nhint: `berth ps -a asleep` shows its instances\n");
  t.deepEqual(
    engine.restarts.filter(([name]) => name === "typo" || name === "asleep"),
    [],
  );
  const extra = await berth(["ps:restart", "web", "worker", "-a", "typo"], { home });
  t.is(extra.code, 2);
  t.is(extra.stderr, 'error: ps:restart takes at most 1 argument, not "worker"\nhint: see `berth help ps:restart`\n');
});

test("ps needs a login and an app", async (t) => {
  const anonymous = await berth(["ps", "-a", "listed"], { home: await tempHome() });
  t.is(anonymous.code, 1);
  t.regex(anonymous.stderr, /^error: you are not logged in\n/);
  const noApp = await berth(["ps"], { home });
  t.is(noApp.code, 2);
  t.regex(noApp.stderr, /^error: no app given, and no berth git remote in .*\nhint: pass -a <app>/);
});
