import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { createHookServer, type HookRequest } from "../src/git/hook-server.ts";
import { silentLogger } from "../src/logger.ts";

/** A hook server on a fresh socket whose handler echoes the request's repository and exits 0. */
async function echoServer() {
  const dir = await mkdtemp(join(tmpdir(), "berth-hook-"));
  const seen: HookRequest[] = [];
  const server = createHookServer(
    join(dir, "run", "builder.sock"),
    async (request, channel) => {
      seen.push(request);
      channel.write(`building ${request.gitDir}\n`);
      return 0;
    },
    silentLogger,
  );
  await server.ready();
  return {
    server,
    seen,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Everything the server sends until it closes the connection. */
function received(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {});
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

test("reads the hook's request line across writes, a character cut between them kept whole", async (t) => {
  const { server, seen, close } = await echoServer();
  t.teardown(close);
  const request = Buffer.from(`${JSON.stringify({ gitDir: "/repos/ünï-🚢.git", updates: "a b refs/heads/main\n", objectEnv: {} })}\r\n`);
  const cut = request.indexOf(Buffer.from("🚢")) + 2;
  const socket = connect(server.socketPath);
  const answer = received(socket);
  socket.write(request.subarray(0, cut));
  await new Promise((resolve) => setTimeout(resolve, 20));
  socket.write(request.subarray(cut));
  t.is(await answer, `${JSON.stringify({ o: "building /repos/ünï-🚢.git\n" })}\n${JSON.stringify({ exit: 0 })}\n`);
  t.is(seen[0]?.gitDir, "/repos/ünï-🚢.git");
});

test("a request line past 1 MiB is cut off unanswered, without calling the handler", async (t) => {
  const { server, seen, close } = await echoServer();
  t.teardown(close);
  const socket = connect(server.socketPath);
  const answer = received(socket);
  socket.write(`{"gitDir": "${"x".repeat(1024 * 1024)}`);
  t.is(await answer, "");
  t.deepEqual(seen, []);
});

test("a malformed request is answered with a message and exit 1", async (t) => {
  const { server, seen, close } = await echoServer();
  t.teardown(close);
  const socket = connect(server.socketPath);
  const answer = received(socket);
  socket.write("not json\n");
  t.is(await answer, `${JSON.stringify({ o: "berth: the hook sent a malformed request\n", exit: 1 })}\n`);
  t.deepEqual(seen, []);
});
