import { execFile } from "node:child_process";
import { mkdir, mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import test from "ava";
import { baseEnv, binPath, tempHome } from "../helpers/berth.ts";
import { startController, type TestController } from "../helpers/controller.ts";
import { tempRepo } from "../helpers/repo.ts";

// A person at a real terminal: tmux runs a shell with `berth` on PATH, keys are sent to it, and the
// screen it shows is what the assertions read.

const socket = `berth-cli-e2e-${process.pid}`;
let controller: TestController;
let env: Record<string, string>;

function tmux(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("tmux", ["-L", socket, ...args], { env }, (error, stdout, stderr) =>
      error ? reject(new Error(`tmux ${args[0]}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** The line `echo "rc=$?"` prints (not the command line that contains it). */
const exited = /^rc=\d+$/m;

const screen = () => tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", "e2e"]);

async function waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const shown = await screen();
    if (typeof text === "string" ? shown.includes(text) : text.test(shown)) return shown;
    if (Date.now() - started > timeoutMs) throw new Error(`the screen never showed ${String(text)}; it shows:\n${shown}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function type(line: string): Promise<void> {
  await tmux(["send-keys", "-t", "e2e", "-l", line]);
  await tmux(["send-keys", "-t", "e2e", "Enter"]);
}

test.before(async () => {
  controller = await startController();
});
test.after.always(async () => {
  await tmux(["kill-server"]).catch(() => undefined);
  await controller?.close();
});

test("register, create, config:set, releases and rollback in a real terminal", async (t) => {
  const version = await new Promise<string>((resolve) => execFile("tmux", ["-V"], (error, stdout) => resolve(error ? "" : stdout)));
  if (version === "") return t.fail("tmux is needed for this test: apt-get install tmux");
  const home = await tempHome();
  const bin = await mkdtemp(join(tmpdir(), "berth-cli-bin-"));
  await symlink(binPath, join(bin, "berth"));
  const repo = await tempRepo(home);
  await mkdir(join(home, ".cache"), { recursive: true });
  env = {
    ...baseEnv(home),
    PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH}`,
    PS1: "$ ",
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
  };
  await tmux(["new-session", "-d", "-s", "e2e", "-x", "160", "-y", "50", "-c", repo, "bash --norc --noprofile"]);

  await type(`berth register ${controller.url} --username alice; echo "rc=$?"`);
  await waitFor("new password:");
  await type("correct-horse-battery");
  await waitFor("new password (again):");
  await type("correct-horse-battery");
  let shown = await waitFor(exited);
  t.regex(shown, new RegExp(`registered alice \\(administrator: the first user\\) and logged in to ${controller.url}\nrc=0`));
  t.false(shown.includes("correct-horse-battery"), "the password is never shown");

  await type(`berth create e2e-app; echo "rc=$?"`);
  shown = await waitFor("git remote berth added");
  t.regex(shown, /created e2e-app — http:\/\/e2e-app\.localhost:8080/);

  await type(`clear; berth pull registry.example.com/e2e/web:1; echo "rc=$?"`);
  shown = await waitFor(exited);
  t.regex(shown, /✓ v2 of e2e-app deployed\nrc=0/);

  await type(`clear; berth config:set GREETING='hello world'; echo "rc=$?"`);
  shown = await waitFor(exited);
  t.regex(shown, /GREETING {2}hello world\n✓ v3 of e2e-app deployed\nrc=0/);

  await type("clear; berth releases");
  shown = await waitFor("v1 ");
  t.regex(
    shown,
    /=== e2e-app Releases\nVERSION +STATE +OWNER +CREATED +SUMMARY\nv3 +deployed +alice .*GREETING.*\nv2 +superseded +alice .*\nv1 +superseded +alice /,
  );

  await type(`clear; berth rollback; echo "rc=$?"`);
  shown = await waitFor(exited);
  t.regex(shown, /v4: .*v2.*\n✓ v4 of e2e-app deployed\nrc=0/);

  await type("clear; berth releases");
  shown = await waitFor("v1 ");
  t.regex(shown, /\nv4 +deployed +alice .*\nv3 +superseded +alice .*\nv2 +superseded/);

  await type(`clear; berth login --username alice; echo "rc=$?"`);
  await waitFor("password:");
  await tmux(["send-keys", "-t", "e2e", "C-c"]);
  shown = await waitFor(exited);
  t.regex(shown, /^rc=130$/m, "Ctrl-C at a prompt exits with 130");

  await type(`clear; berth config; echo "rc=$?"`);
  shown = await waitFor(exited);
  t.regex(shown, /e2e-app has no config values/);
});
