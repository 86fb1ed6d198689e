import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test("the controller starts with no settings but a data dir, keeps SQLite there, and stops on SIGTERM", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "berth-main-"));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, "../src/main.ts")], {
    env: { PATH: process.env.PATH ?? "", HOME: dataDir, BERTH_DATA_DIR: join(dataDir, "data"), BERTH_PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => child.kill("SIGKILL"));
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  let healthy = false;
  for (let i = 0; i < 100 && !healthy; i++) {
    healthy = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
    if (!healthy) await new Promise((r) => setTimeout(r, 100));
  }
  t.true(healthy, output);
  t.regex(output, /controller listening/);
  const register = await fetch(`${base}/v2/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "root", password: "root-password" }),
  });
  t.is(register.status, 201);
  t.true(existsSync(join(dataDir, "data", "berth.db")), "SQLite lives under BERTH_DATA_DIR");
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  t.is(await exited, 0);
});
