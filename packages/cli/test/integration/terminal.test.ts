import test from "ava";
import { berth, loggedIn, tempHome } from "../helpers/berth.ts";
import { startController, type TestController } from "../helpers/controller.ts";
import { gatedDeployer } from "../helpers/deployer.ts";
import { tempRepo } from "../helpers/repo.ts";
import { exited, hasTmux, Terminal } from "../helpers/terminal.ts";

// A person at a real terminal: tmux runs a shell with `berth` on PATH, keys are sent to it, and the
// screen it shows is what the assertions read.

let controller: TestController;
let slow: TestController;
let tailing: TestController;
const terminals: Terminal[] = [];

test.before(async () => {
  controller = await startController();
  slow = await startController({ deployer: gatedDeployer().deployer });
  tailing = await startController();
});
test.after.always(async () => {
  for (const terminal of terminals) await terminal.close();
  await controller?.close();
  await slow?.close();
  await tailing?.close();
});

async function open(home: string, cwd: string): Promise<Terminal> {
  if (!(await hasTmux())) throw new Error("tmux is needed for this test: apt-get install tmux");
  const terminal = await Terminal.open(home, cwd);
  terminals.push(terminal);
  return terminal;
}

test("register, create, config:set, releases and rollback in a real terminal", async (t) => {
  const home = await tempHome();
  const repo = await tempRepo(home);
  const term = await open(home, repo);

  await term.type(`berth register ${controller.url} --username alice; echo "rc=$?"`);
  await term.waitFor("new password:");
  await term.type("correct-horse-battery");
  await term.waitFor("new password (again):");
  await term.type("correct-horse-battery");
  let shown = await term.waitFor(exited);
  t.regex(shown, new RegExp(`registered alice \\(administrator: the first user\\) and logged in to ${controller.url}\nrc=0`));
  t.false(shown.includes("correct-horse-battery"), "the password is never shown");

  shown = await term.run("berth create e2e-app");
  t.regex(shown, /created e2e-app — http:\/\/e2e-app\.localhost:8080\n/);
  t.regex(shown, /git remote berth added.*\n(.*\n)*rc=0$/m);

  shown = await term.run("berth pull registry.example.com/e2e/web:1");
  t.regex(shown, /✓ v2 of e2e-app deployed\nrc=0/);

  shown = await term.run("berth config:set GREETING='hello world'");
  t.regex(shown, /GREETING {2}hello world\n✓ v3 of e2e-app deployed\nrc=0/);

  shown = await term.run("berth releases");
  t.regex(
    shown,
    /=== e2e-app Releases\nVERSION +STATE +OWNER +CREATED +SUMMARY\nv3 +deployed +alice .*GREETING.*\nv2 +superseded +alice .*\nv1 +superseded +alice /,
  );

  shown = await term.run("berth rollback");
  t.regex(shown, /v4: .*v2.*\n✓ v4 of e2e-app deployed\nrc=0/);

  shown = await term.run("berth releases");
  t.regex(shown, /\nv4 +deployed +alice .*\nv3 +superseded +alice .*\nv2 +superseded/);

  await term.type(`clear; berth login --username alice; echo "rc=$?"`);
  await term.waitFor("password:");
  await term.press("C-c");
  shown = await term.waitFor(exited);
  t.regex(shown, /^rc=130$/m, "Ctrl-C at a prompt exits with 130");

  shown = await term.run("berth config");
  t.regex(shown, /e2e-app has no config values/);
});

test("a rollout shows a spinner in a real terminal until Ctrl-C, which exits with 130", async (t) => {
  const home = await loggedIn(slow.url);
  t.is((await berth(["create", "slow-app", "--no-remote"], { home })).code, 0);
  const term = await open(home, home);
  await term.type(`berth config:set A=1 -a slow-app; echo "rc=$?"`);
  const spinning = await term.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] deploying v2 of slow-app…/);
  t.regex(spinning, /=== slow-app Config\nKEY +VALUE\nA +1\n/);
  await term.press("C-c");
  const shown = await term.waitFor(exited);
  t.regex(shown, /error: stopped waiting for v2 of slow-app\nhint: the rollout goes on; .*\nrc=130$/m);
});

test("logs -f in a real terminal prints new lines until Ctrl-C, which exits with 130 and no stack", async (t) => {
  const home = await loggedIn(tailing.url);
  t.is((await berth(["create", "tailed-app", "--no-remote"], { home })).code, 0);
  t.is((await berth(["config:set", "A=1", "-a", "tailed-app"], { home })).code, 0);
  const term = await open(home, home);
  await term.type(`berth logs -f -a tailed-app; echo "rc=$?"`);
  await term.waitFor(/Z berth\[release\]: v2 created: alice added A\n/);
  t.is((await berth(["config:set", "B=2", "-a", "tailed-app"], { home })).code, 0);
  await term.waitFor(/Z berth\[release\]: v3 created: alice added B\n/);
  await term.press("C-c");
  const shown = await term.waitFor(exited);
  t.regex(shown, /v3 created: alice added B\n(\^C)?error: stopped following the logs of tailed-app\nrc=130$/m);
  t.notRegex(shown, /\n\s+at /, "no stack trace");
});
