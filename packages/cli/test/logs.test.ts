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

const stamp = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

async function appWithReleases(name: string, ...values: string[]): Promise<void> {
  await createApp(home, name);
  for (const value of values) {
    const set = await berth(["config:set", value, "-a", name], { home });
    if (set.code !== 0) throw new Error(set.stderr);
  }
}

test("logs prints the processes' output and platform events as `TIME SOURCE[TAG]: …` lines, oldest first", async (t) => {
  engine.lines.set("logged", [
    { instance: "logged-v1-web-1", tag: "web.1", time: "2026-01-02T03:04:05.123456789Z", line: "listening on 5000" },
    { instance: "logged-v1-worker-1", tag: "worker.1", time: "2026-01-02T03:04:06.5Z", line: "polling the queue" },
  ]);
  await appWithReleases("logged", "A=1", "B=2");
  const result = await berth(["logs", "-a", "logged"], { home });
  t.is(result.code, 0, result.stderr);
  t.regex(
    result.stdout,
    new RegExp(
      "^2026-01-02T03:04:05Z app\\[web.1\\]: listening on 5000\\n2026-01-02T03:04:06Z app\\[worker.1\\]: polling the queue\\n" +
        `${stamp} berth\\[release\\]: v2 created: alice added A\\n${stamp} berth\\[release\\]: v3 created: alice added B\\n$`,
    ),
  );
  t.is(result.stderr, "");
});

test("-n shows only the last lines; --json prints one object per line", async (t) => {
  await appWithReleases("counted", "A=1", "B=2", "C=3");
  const last = await berth(["logs", "-n", "1", "-a", "counted"], { home });
  t.regex(last.stdout, new RegExp(`^${stamp} berth\\[release\\]: v4 created: alice added C\\n$`));
  const json = await berth(["logs", "--json", "-n", "2", "-a", "counted"], { home });
  const entries = json.stdout
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
  t.deepEqual(
    entries.map((entry) => [entry.source, entry.tag, entry.line]),
    [
      ["berth", "release", "v3 created: alice added B"],
      ["berth", "release", "v4 created: alice added C"],
    ],
  );
});

test("the process name is coloured on a terminal only, the same colour for a type's instances", async (t) => {
  engine.lines.set("coloured", [
    { instance: "coloured-v1-web-1", tag: "web.1", time: "2026-01-02T03:04:05Z", line: "one" },
    { instance: "coloured-v1-web-2", tag: "web.2", time: "2026-01-02T03:04:06Z", line: "two" },
  ]);
  await appWithReleases("coloured", "A=1");
  const tty = await berth(["logs", "-a", "coloured"], { home, tty: true });
  // Escape characters made visible, as `^[`.
  const shown = tty.raw.stdout.replaceAll("\u001b", "^[");
  const web1 = /Z (\^\[\[\d+m)app\[web\.1\]:\^\[\[39m one\n/.exec(shown)?.[1];
  const web2 = /Z (\^\[\[\d+m)app\[web\.2\]:\^\[\[39m two\n/.exec(shown)?.[1];
  t.truthy(web1, shown);
  t.is(web2, web1);
  t.regex(shown, /Z \^\[\[2mberth\[release\]:\^\[\[22m v2 created/);
  const piped = await berth(["logs", "-a", "coloured"], { home });
  t.false(piped.raw.stdout.includes("\u001b"));
  const noColor = await berth(["logs", "-a", "coloured"], { home, tty: true, env: { NO_COLOR: "1" } });
  t.false(noColor.raw.stdout.includes("\u001b"));
});

test("-f prints new lines as the engine streams them and ends cleanly with 130 on Ctrl-C", async (t) => {
  await appWithReleases("followed", "A=1");
  let shown!: () => void;
  const started = new Promise<void>((resolve) => {
    shown = resolve;
  });
  const following = berth(["logs", "-f", "-a", "followed"], {
    home,
    onStdout: (text) => text.includes("v2 created") && shown(),
    interruptOnStdout: "v3 created",
  });
  await started;
  engine.print("followed", { instance: "followed-v2-web-1", tag: "web.1", time: new Date().toISOString(), line: "GET / 200" });
  t.is((await berth(["config:set", "B=2", "-a", "followed"], { home })).code, 0);
  const result = await following;
  t.is(result.code, 130);
  t.regex(
    result.stdout,
    new RegExp(
      `^${stamp} berth\\[release\\]: v2 created: alice added A\\n${stamp} app\\[web.1\\]: GET / 200\\n${stamp} berth\\[release\\]: v3 created: alice added B\\n$`,
    ),
  );
  t.is(result.stderr, "error: stopped following the logs of followed\n");
});

test("bad -n is a usage error; an unknown app and no login are the controller's and the session's errors", async (t) => {
  const bad = await berth(["logs", "-n", "lots", "-a", "whatever"], { home });
  t.is(bad.code, 2);
  t.is(bad.stderr, "error: -n lots is not a number from 0 to 10000\nhint: e.g. `berth logs -n 500`\n");
  const unknown = await berth(["logs", "-a", "ghost-app"], { home });
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /^error: .*ghost-app.*\nhint: /);
  const anonymous = await berth(["logs", "-a", "logged"], { home: await tempHome() });
  t.is(anonymous.code, 1);
  t.regex(anonymous.stderr, /^error: you are not logged in\nhint: run `berth login <url>`/);
});
