import { spawn } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** The environment of a real git client that reads no user or system config. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  return {
    ...env,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
}

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
  /** When each piece of stderr arrived, in ms since the start. */
  chunks: { at: number; text: string }[];
  /** ms from start to exit. */
  elapsed: number;
}

/** Runs git; one still running after `timeoutMs` is killed with its helpers (git-remote-http) and ends with code -1. */
export function git(cwd: string, args: string[], home: string, timeoutMs = 120_000): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // Its own process group, so that the timeout can kill git-remote-http (which holds the connection) too.
    const child = spawn("git", args, { cwd, env: gitEnv(home), stdio: ["ignore", "pipe", "pipe"], detached: true });
    const timer = setTimeout(() => process.kill(-(child.pid ?? 0), "SIGKILL"), timeoutMs);
    let stdout = "";
    let stderr = "";
    const chunks: GitRun["chunks"] = [];
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      chunks.push({ at: Date.now() - started, text: d.toString() });
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, chunks, elapsed: Date.now() - started });
    });
  });
}

/** A fresh work tree with `files` committed on main; returns its directory. */
export async function makeRepo(files: Record<string, string | Buffer>, home: string): Promise<string> {
  // Inside the test home, which the world removes when it closes.
  const dir = await mkdtemp(join(home, "app-"));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  for (const args of [["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--allow-empty", "-m", "first"]]) {
    const run = await git(dir, args, home);
    if (run.code !== 0) throw new Error(`git ${args[0]} failed: ${run.stderr}`);
  }
  return dir;
}

/** Pushes `ref` of `dir` to a URL with basic credentials. */
export function push(dir: string, url: string, home: string, ref = "HEAD:main", extra: string[] = []): Promise<GitRun> {
  return git(dir, ["-c", "credential.helper=", "push", ...extra, url, ref], home);
}

/** The `remote:` lines of a push, without the prefix. */
export function remoteLines(run: GitRun): string[] {
  return run.stderr
    .split(/\r?\n|\r/)
    .filter((l) => l.startsWith("remote: "))
    .map((l) => l.slice("remote: ".length).trimEnd());
}
