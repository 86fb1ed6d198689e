import { execFile, spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const identity = ["-c", "user.name=Bench", "-c", "user.email=bench@example.test"];

/** Writes the files into a git work tree on `main` and commits them. */
export async function commitFiles(dir: string, files: Record<string, string>, message: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  await run("git", ["init", "-q", "-b", "main"], { cwd: dir });
  await run("git", ["add", "-A"], { cwd: dir });
  await run("git", [...identity, "commit", "-q", "-m", message], { cwd: dir });
}

export interface PushedLine {
  /** ms since the push started. */
  at: number;
  text: string;
}

/**
 * `git push <url> main` over HTTP as a user would (no credential helper, no prompt). Returns git's
 * output lines (the builder's `remote:` lines among them), each with when it arrived; throws with
 * the output when the push fails or takes over 5 minutes, or once `signal` aborts (git is stopped).
 */
export function gitPush(dir: string, url: string, signal?: AbortSignal): Promise<PushedLine[]> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("git", ["-c", "credential.helper=", "push", "--progress", url, "main"], {
      cwd: dir,
      env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 300_000,
      ...(signal === undefined ? {} : { signal }),
    });
    const lines: PushedLine[] = [];
    let partial = "";
    const take = (chunk: Buffer) => {
      const at = performance.now() - started;
      const parts = (partial + chunk.toString()).split(/\r|\n/);
      partial = parts.pop() ?? "";
      for (const text of parts) if (text !== "") lines.push({ at, text });
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) => {
      if (partial !== "") lines.push({ at: performance.now() - started, text: partial });
      if (code === 0) resolve(lines);
      else reject(new Error(`git push failed (exit ${code}):\n${lines.map((l) => l.text).join("\n")}`));
    });
  });
}

/** The committed files of the work tree, tarred into `dest` (what `git archive` would give the builder). */
export async function exportTree(dir: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  await run("sh", ["-c", `git -C '${dir}' archive HEAD | tar -x -C '${dest}'`]);
}

/** Names at the root of the committed tree (what the builder's detection sees). */
export async function rootEntries(dir: string): Promise<Set<string>> {
  const { stdout } = await run("git", ["ls-tree", "--name-only", "HEAD"], { cwd: dir });
  return new Set(stdout.split("\n").filter(Boolean));
}

/** `npm install --package-lock-only`: a lockfile, so both sides install with `npm ci`. */
export async function writeLockfile(dir: string): Promise<void> {
  await run("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], { cwd: dir, timeout: 120_000 });
}
