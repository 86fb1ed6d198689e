import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import test, { type ExecutionContext } from "ava";

const relay = fileURLToPath(new URL("../src/git/hook-relay.ts", import.meta.url));

/** Runs the pre-receive relay against a builder socket that answers each request with `answer`. */
async function relayed(t: ExecutionContext, answer: (socket: Socket) => void): Promise<{ code: number | null; stdout: string; asked: string }> {
  const dir = await mkdtemp(join(tmpdir(), "berth-relay-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "builder.sock");
  let asked = "";
  const server = createServer((socket) => {
    socket.on("data", (chunk) => {
      asked += String(chunk);
      if (asked.includes("\n")) answer(socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const child = spawn(process.execPath, [relay, path], { stdio: ["pipe", "pipe", "inherit"] });
  child.stdin.end("0000 1111 refs/heads/main\n");
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += String(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  return { code, stdout, asked };
}

test("the relay hands the updates to the builder, copies its output and exits with its verdict", async (t) => {
  const { code, stdout, asked } = await relayed(t, (socket) => {
    socket.end(`${JSON.stringify({ o: "-----> building\n" })}\n${JSON.stringify({ exit: 3 })}\n`);
  });
  t.like(JSON.parse(asked.trim()), { updates: "0000 1111 refs/heads/main\n" });
  t.is(stdout, "-----> building\n");
  t.is(code, 3);
});

test("a line from the builder that is not a frame is shown as it is, and the verdict still counts", async (t) => {
  const { code, stdout } = await relayed(t, (socket) => {
    socket.end(`not a frame\n${JSON.stringify({ o: "done\n" })}\n${JSON.stringify({ exit: 0 })}\n`);
  });
  t.is(stdout, "not a frame\ndone\n");
  t.is(code, 0);
});
