import { execFile } from "node:child_process";
import { mkdtemp, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { baseEnv, binPath } from "./berth.ts";

/** The line `echo "rc=$?"` prints (not the command line that contains it). */
export const exited = /^rc=\d+$/m;

let terminals = 0;

/**
 * A shell in a real terminal: tmux (its own server per terminal, so environments stay apart) runs
 * bash with `berth` on PATH; keys are sent to it and its screen is read back.
 */
export class Terminal {
  readonly socket: string;
  readonly env: Record<string, string>;

  private constructor(socket: string, env: Record<string, string>) {
    this.socket = socket;
    this.env = env;
  }

  static async open(home: string, cwd: string): Promise<Terminal> {
    const bin = await mkdtemp(join(tmpdir(), "berth-cli-bin-"));
    await symlink(binPath, join(bin, "berth"));
    const env = {
      ...baseEnv(home),
      PATH: `${bin}:${dirname(process.execPath)}:${process.env.PATH}`,
      TERM: "xterm-256color",
      LANG: "C.UTF-8",
    };
    const terminal = new Terminal(`berth-cli-e2e-${process.pid}-${++terminals}`, env);
    await terminal.tmux(["new-session", "-d", "-s", "e2e", "-x", "160", "-y", "50", "-c", cwd, "bash --norc --noprofile"]);
    return terminal;
  }

  tmux(args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile("tmux", ["-L", this.socket, ...args], { env: this.env }, (error, stdout, stderr) =>
        error ? reject(new Error(`tmux ${args[0]}: ${stderr || error.message}`)) : resolve(stdout),
      );
    });
  }

  screen(): Promise<string> {
    return this.tmux(["capture-pane", "-p", "-J", "-S", "-", "-t", "e2e"]);
  }

  async waitFor(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
    const started = Date.now();
    for (;;) {
      const shown = await this.screen();
      if (typeof text === "string" ? shown.includes(text) : text.test(shown)) return shown;
      if (Date.now() - started > timeoutMs) throw new Error(`the screen never showed ${String(text)}; it shows:\n${shown}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Types a line and presses Enter. */
  async type(line: string): Promise<void> {
    await this.tmux(["send-keys", "-t", "e2e", "-l", line]);
    await this.tmux(["send-keys", "-t", "e2e", "Enter"]);
  }

  #runs = 0;

  /**
   * Clears the screen, runs `command` and waits until the shell is back: the screen then, with the
   * command's exit status as its last line, `rc=N`. The line it waits for is numbered and spelled
   * differently from what is typed (`$((N+0))`), so neither the typed line nor an earlier command's
   * status, still shown until `clear` runs, can end the wait early; and nothing is typed while a
   * command runs, when the keys would go to that command's stdin.
   */
  async run(command: string, timeoutMs?: number): Promise<string> {
    const n = ++this.#runs;
    await this.type(`clear; ${command}; echo "done-$((${n}+0)) rc=$?"`);
    const shown = await this.waitFor(new RegExp(`^done-${n} rc=\\d+$`, "m"), timeoutMs);
    return shown.replace(new RegExp(`^done-${n} (rc=\\d+)$`, "m"), "$1");
  }

  /** Presses keys by tmux name, e.g. `C-c`. */
  async press(key: string): Promise<void> {
    await this.tmux(["send-keys", "-t", "e2e", key]);
  }

  async close(): Promise<void> {
    await this.tmux(["kill-server"]).catch(() => undefined);
  }
}

/** Whether tmux can run here; the tests fail (not skip) without it. */
export function hasTmux(): Promise<boolean> {
  return new Promise((resolve) => execFile("tmux", ["-V"], (error) => resolve(error === null)));
}
