import { type ChildProcess, spawn } from "node:child_process";
import test, { type ExecutionContext } from "ava";
import { processCommand } from "../src/index.ts";

/**
 * The supervisor runs under the shells images have as /bin/sh: dash (Debian, the stack image) and
 * busybox (Alpine, the test engine's image). The command it starts runs under the host's /bin/sh.
 */
const shells: Record<string, (argv: string[]) => [string, string[]]> = {
  dash: (argv) => ["dash", argv.slice(1)],
  busybox: (argv) => ["busybox", ["sh", ...argv.slice(1)]],
};

interface Run {
  child: ChildProcess;
  /** Resolves once the output has a line that matches. */
  printed(pattern: RegExp): Promise<void>;
  /** Resolves with the exit code (or 128 + signal) and everything printed. */
  exited: Promise<{ code: number; output: string; at: number }>;
}

/** Starts argv in a process group of its own, which the test's end kills with whatever is left in it. */
function start(t: ExecutionContext, argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const [file, args] = [argv[0] ?? "", argv.slice(1)];
  const child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"], env: options.env ?? process.env, detached: true });
  t.teardown(() => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    } catch {
      // the group is gone: nothing was left behind
    }
  });
  let output = "";
  const waiting: { pattern: RegExp; resolve: () => void }[] = [];
  const seen = (chunk: Buffer) => {
    output += chunk.toString();
    for (const w of waiting.filter((w) => w.pattern.test(output))) w.resolve();
  };
  child.stdout.on("data", seen);
  child.stderr.on("data", seen);
  // A command that exits without reading its input closes the pipe: that is not the test's failure.
  child.stdin.on("error", () => {});
  child.stdin.end(options.stdin ?? "");
  const exited = new Promise<{ code: number; output: string; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code: code ?? 128 + (signal === "SIGKILL" ? 9 : 15), output, at: Date.now() })),
  );
  return {
    child,
    exited,
    printed: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve();
        waiting.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`exited before printing ${pattern}; printed:\n${output}`)));
      }),
  };
}

// A process under an outer shell that does not exec it (a compound command, as `npm start` is too):
// on TERM it says so, takes 600 ms to finish, says that, and exits 0.
const drainsUnderAShell =
  "sh -c 'trap \"echo got TERM; sleep 0.6; echo finished; exit 0\" TERM; echo ready; while :; do sleep 0.1; done'; echo outer shell went on";

for (const [name, under] of Object.entries(shells)) {
  const supervised = (command: string) => under(processCommand(command));

  test(`${name}: runs the command with its standard input and exits with its status`, async (t) => {
    const [file, args] = supervised('read line; echo "got $line"; exit 4');
    const run = start(t, [file, ...args], { stdin: "hello\n" });
    const { code, output } = await run.exited;
    t.is(output, "got hello\n");
    t.is(code, 4);
  });

  test(`${name}: with its standard input closed, the command still runs (its input is empty)`, async (t) => {
    const [file, args] = supervised('if read line; then echo "read $line"; else echo "no input"; fi; exit 6');
    const run = start(t, ["/bin/sh", "-c", 'exec <&-; exec "$@"', "closer", file, ...args]);
    const { code, output } = await run.exited;
    t.is(output, "no input\n");
    t.is(code, 6);
  });

  test(`${name}: TERM reaches every process of the command, and the supervisor waits until they have finished`, async (t) => {
    const [file, args] = supervised(drainsUnderAShell);
    const run = start(t, [file, ...args]);
    await run.printed(/ready/);
    const signalled = Date.now();
    run.child.kill("SIGTERM");
    const { output, at } = await run.exited;
    t.regex(output, /got TERM\n(.*\n)*finished\n$/, "the process under the outer shell got the TERM and finished");
    t.notRegex(output, /outer shell went on/, "the outer shell was signalled too");
    t.true(at - signalled >= 500, `the supervisor stayed until the app finished (${at - signalled} ms)`);
  });

  test(`${name}: a command whose processes all exit at once on TERM stops at once`, async (t) => {
    const [file, args] = supervised("echo ready; sleep 30; echo never");
    const run = start(t, [file, ...args]);
    await run.printed(/ready/);
    run.child.kill("SIGTERM");
    const { code, output } = await run.exited;
    t.is(output, "ready\n");
    t.is(code, 143, "the status of the command's TERM");
  });

  test(`${name}: without setsid on the PATH the command still runs and passes its status`, async (t) => {
    const [file, args] = supervised('echo "alone $0"; exit 5');
    const run = start(t, [file === "dash" ? "/usr/bin/dash" : "/bin/busybox", ...args], { env: { PATH: "/nonexistent" } });
    const { code, output } = await run.exited;
    t.is(output, "alone /bin/sh\n");
    t.is(code, 5);
  });
}

test("the bare `/bin/sh -c` form it replaces loses the TERM: the process under the shell never sees it", async (t) => {
  // What Berth ran before: the TERM ends the outer shell, and the app, orphaned, is not told. (The
  // engine then ends the container and kills it with everything else.)
  const run = start(t, ["/bin/sh", "-c", drainsUnderAShell]);
  await run.printed(/ready/);
  run.child.kill("SIGTERM");
  const { output } = await run.exited;
  t.notRegex(output, /got TERM/);
});
