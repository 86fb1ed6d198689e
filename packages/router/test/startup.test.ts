import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";

/** Runs this package's main.ts with `env` until it exits; its exit code and what it printed. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const home = await mkdtemp(join(tmpdir(), "berth-startup-"));
  try {
    const child = spawn(process.execPath, [join(import.meta.dirname, "../src/main.ts")], {
      env: { PATH: process.env.PATH ?? "", HOME: home, BERTH_DATA_DIR: join(home, "data"), ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    return { code, stderr, stdout };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

test("a misconfigured router exits 2 before it starts, naming every bad variable", async (t) => {
  const run = await start({ BERTH_ROUTER_KEY: "k", BERTH_ROUTER_PORT: "99999", BERTH_CONTROLLER_URL: "ftp://controller" });
  t.is(run.code, 2);
  t.regex(run.stderr, /^berth router: 2 settings cannot be used\n/);
  t.regex(run.stderr, /BERTH_ROUTER_PORT="99999" is not valid — use a port number/);
  t.regex(run.stderr, /BERTH_CONTROLLER_URL="ftp:\/\/controller" is not valid — use an http\(s\) URL/);
  t.is(run.stdout, "", "nothing was started or logged");
});
