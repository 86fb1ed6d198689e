import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface PushResult {
  ok: boolean;
  output: string;
}

/** A git work tree with the given files committed on `main`. */
export async function commitTree(dir: string, files: Record<string, string | Buffer>, message: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  const git = (...args: string[]) => run("git", args, { cwd: dir });
  await git("init", "-q", "-b", "main").catch(() => undefined);
  await git("add", "-A");
  await git("-c", "user.name=Test", "-c", "user.email=test@example.test", "commit", "-q", "-m", message);
}

/** `git push` over HTTP with basic auth, as a user would (no credential helper, no prompt). */
export async function push(dir: string, url: string, timeoutMs = 240_000): Promise<PushResult> {
  try {
    const { stdout, stderr } = await run("git", ["-c", "credential.helper=", "push", url, "main"], {
      cwd: dir,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
      timeout: timeoutMs,
    });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}
