import { spawn } from "node:child_process";
import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import pkg from "../package.json" with { type: "json" };
import { Context } from "./context.ts";
import type { CliDeps } from "./deps.ts";
import { dispatch } from "./dispatch.ts";
import { CliError, describeError, exitCodeFor, Interrupted } from "./errors.ts";
import { variable } from "./variables.ts";

/**
 * Runs one command line and returns the exit code: 0, 1 for API and other errors, 2 for usage
 * errors, 130 for Ctrl-C. The only place errors are caught: they become one line of message and
 * one of hint, with the stack only under BERTH_DEBUG=1.
 */
export async function main(argv: string[], deps: CliDeps): Promise<number> {
  const ctx = new Context(deps);
  try {
    await dispatch(argv, ctx);
    return 0;
  } catch (error) {
    // After Ctrl-C, whatever failed (an aborted request) failed because of it.
    const interrupted = deps.interrupt?.aborted === true;
    const code = interrupted ? 130 : exitCodeFor(error);
    const { message, hint } = describeError(interrupted && !(error instanceof Interrupted) ? new Interrupted() : error);
    const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ");
    ctx.err.line(`${ctx.err.style("red", "error:")} ${oneLine(message)}`);
    if (hint !== undefined) ctx.err.line(`${ctx.err.style("dim", "hint:")} ${oneLine(hint)}`);
    if (variable(deps.env, "debug")) {
      for (let cause: unknown = error; cause !== undefined; cause = cause instanceof Error ? cause.cause : undefined) {
        ctx.err.line(cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause));
      }
    }
    return code;
  }
}

function openUrl(url: string): Promise<void> {
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  return new Promise((resolve, reject) => {
    const child = spawn(opener, [url], { stdio: "ignore", detached: true });
    child.once("error", (cause) => reject(new CliError(`cannot start ${opener} to open a browser`, `open ${url} yourself`, { cause })));
    child.once("spawn", () => {
      child.unref();
      resolve();
    });
  });
}

/** The composition root: real streams, environment and browser; the only exit. */
export async function run(): Promise<never> {
  // Ctrl-C outside a prompt (prompts read it as a key): requests and waits stop and the command ends
  // with 130 after tidying the screen; a second Ctrl-C, or a command that does not stop, exits at once.
  const interrupt = new AbortController();
  process.on("SIGINT", () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort(new Interrupted());
    setTimeout(() => process.exit(130), 1000).unref();
  });
  const deps: CliDeps = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    // `pnpm berth …` runs in the workspace root; the command is about the directory it was typed in.
    cwd: (process.env.npm_lifecycle_event === "berth" && process.env.INIT_CWD) || process.cwd(),
    home: process.env.HOME || homedir(),
    version: pkg.version,
    self: [process.execPath, fileURLToPath(new URL("../bin/berth.js", import.meta.url))],
    openUrl,
    interrupt: interrupt.signal,
  };
  process.exit(await main(process.argv.slice(2), deps));
}
