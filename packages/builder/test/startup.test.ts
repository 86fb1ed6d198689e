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

test("a misconfigured builder exits 2 before it starts, naming every bad variable", async (t) => {
  const run = await start({ BERTH_BUILDER_PORT: "http", DOCKER_HOST: "ssh://me@docker" });
  t.is(run.code, 2);
  t.regex(run.stderr, /^berth builder: 3 settings cannot be used\n/);
  t.regex(run.stderr, /BERTH_BUILDER_PORT="http" is not valid/);
  t.regex(run.stderr, /BERTH_BUILDER_KEY is not set/);
  t.regex(run.stderr, /DOCKER_HOST="ssh:\/\/me@docker" is not valid — use unix:\/\/\//);
  t.is(run.stdout, "", "nothing was started or logged");
});
