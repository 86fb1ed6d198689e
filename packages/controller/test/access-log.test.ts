import { connect } from "node:net";
import test from "ava";
import { startController } from "./helpers/controller.ts";

interface Line {
  level: string;
  msg: string;
  status?: number;
  path?: string;
  err?: unknown;
}

/** Sends `sent` bytes of a body declared as `declared` bytes long, then closes the connection. */
async function hangUpMidBody(url: string, path: string, declared: number, sent: string): Promise<void> {
  const { hostname, port } = new URL(url);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  socket.write(`POST ${path} HTTP/1.1\r\nhost: berth.test\r\ncontent-type: application/json\r\ncontent-length: ${declared}\r\n\r\n${sent}`);
  await new Promise((r) => setTimeout(r, 100));
  await new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
    socket.destroy();
  });
}

async function accessLine(logs: string[], path: string): Promise<Line> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = logs.map((l) => JSON.parse(l) as Line).find((l) => l.msg === "request" && l.path === path);
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`no access line for ${path}: ${logs.join("")}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test("a client that hangs up in the middle of a request body is logged as gone, not as a server error", async (t) => {
  const h = await startController(t, "sqlite");
  await hangUpMidBody(h.url, "/v2/auth/login", 100, '{"userna');
  const access = await accessLine(h.logs, "/v2/auth/login");
  t.is(access.level, "info");
  t.is(access.status, 499, "nginx's status for a client that closed the connection");
  const lines = h.logs.map((l) => JSON.parse(l) as Line);
  t.deepEqual(
    lines.filter((l) => l.level === "error" || l.level === "warn"),
    [],
  );
  t.false(h.logs.join("").includes("stack"), "no stack trace");
  t.true(lines.some((l) => l.msg === "client closed the connection"));
  // The controller keeps serving.
  t.is((await fetch(`${h.url}/healthz`)).status, 200);
});

test("routine requests that succeed (router status reports, health probes) are logged at debug level, others at info", async (t) => {
  const h = await startController(t, "sqlite");
  t.is((await fetch(`${h.url}/healthz`)).status, 200);
  t.is((await accessLine(h.logs, "/healthz")).level, "debug");
  t.is((await fetch(`${h.url}/v2/routes/status`, { method: "POST", body: "{}" })).status, 401);
  t.is((await accessLine(h.logs, "/v2/routes/status")).level, "info", "a refused report is worth a person's eye");
  await fetch(`${h.url}/v2/apps`);
  t.is((await accessLine(h.logs, "/v2/apps")).level, "info");
});
