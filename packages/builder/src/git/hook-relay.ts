/**
 * The pre-receive hook of every app repository runs this script (plain Node, no imports from the
 * builder). It hands the pushed ref updates to the builder process over its Unix socket and copies
 * the build output to stdout, which git sends to the pusher as `remote:` lines. Its exit code is the
 * builder's verdict: non-zero declines the push.
 */
import { connect } from "node:net";
import { createInterface } from "node:readline";

const socketPath = process.argv[2] ?? "";
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);

const objectEnv: Record<string, string> = {};
for (const key of ["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"]) {
  const value = process.env[key];
  if (value !== undefined) objectEnv[key] = value;
}

let verdict: number | undefined;
const socket = connect(socketPath);
socket.on("connect", () => {
  socket.write(`${JSON.stringify({ gitDir: process.cwd(), updates: Buffer.concat(chunks).toString(), objectEnv })}\n`);
});
// The builder answers in JSON lines: `{"o": output}` frames, then `{"exit": code}`.
createInterface({ input: socket, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
  const frame = parseFrame(line);
  if (typeof frame.o === "string") process.stdout.write(frame.o);
  if (typeof frame.exit === "number") verdict = frame.exit;
});

/** A frame of the builder's; a line that is not one is shown as it is, never thrown where nothing catches it. */
function parseFrame(line: string): { o?: unknown; exit?: unknown } {
  try {
    const frame: unknown = JSON.parse(line);
    if (typeof frame === "object" && frame !== null) return frame;
  } catch {
    // not JSON
  }
  return { o: `${line}\n` };
}
socket.on("error", (error) => {
  process.stdout.write(`berth: cannot reach the builder (${error.message}); try the push again\n`);
});
socket.on("close", () => {
  if (verdict === undefined) process.stdout.write("berth: the builder stopped before the build finished; try the push again\n");
  process.exitCode = verdict ?? 1;
});
// The pusher went away: stop waiting, which tells the builder to cancel the build.
process.stdout.on("error", () => {
  socket.destroy();
  process.exit(1);
});
