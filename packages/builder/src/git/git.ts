import { type ChildProcess, type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { BuildError } from "../errors.ts";

/**
 * One bare repository as a pushed commit sees it. During a pre-receive hook the pushed objects are
 * still in git's quarantine directory, so every git command gets the hook's object-directory variables.
 */
export interface GitRepo {
  gitDir: string;
  /** GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_QUARANTINE_PATH of the hook. */
  objectEnv: Record<string, string>;
}

/** The builder's environment without git's variables. */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // Nothing from a surrounding git process may leak in (a builder started from a hook, say).
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("GIT_")) env[key] = value;
  return env;
}

function gitEnv(repo: GitRepo): NodeJS.ProcessEnv {
  return { ...plainEnv(), ...repo.objectEnv, GIT_DIR: repo.gitDir, GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1" };
}

/** Starts `git receive-pack` or `git upload-pack` for one stateless (smart-HTTP) request on a bare repository. */
export function spawnService(service: "receive-pack" | "upload-pack", gitDir: string): ChildProcessByStdio<Writable, Readable, Readable> {
  return spawn("git", [service, "--stateless-rpc", gitDir], { env: plainEnv(), stdio: ["pipe", "pipe", "pipe"] });
}

/** Starts `git <args>` in the repository; the caller reads stdout as a stream. */
export function spawnGit(repo: GitRepo, args: string[]): ChildProcess {
  return spawn("git", args, { env: gitEnv(repo), stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `git <args>` and returns its stdout; a non-zero exit throws with git's own message. */
export function runGit(repo: GitRepo | { gitDir?: undefined }, args: string[], cwd?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const env = repo.gitDir === undefined ? process.env : gitEnv(repo);
    const child = spawn("git", args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (cause) => reject(new BuildError("GIT_FAILED", `cannot run git: ${cause.message}`, { cause, hint: "install git on the builder's machine" })));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new BuildError("GIT_FAILED", `git ${args[0]} failed: ${Buffer.concat(err).toString().trim()}`));
    });
  });
}

/** Names of the entries at the root of a commit's tree. */
export async function rootEntries(repo: GitRepo, sha: string): Promise<Set<string>> {
  const out = await runGit(repo, ["ls-tree", "--name-only", "-z", sha]);
  return new Set(out.toString().split("\0").filter((name) => name !== ""));
}

/** The content of a file in a commit, or undefined when it is not there (or not a file). */
export async function readBlob(repo: GitRepo, sha: string, path: string): Promise<string | undefined> {
  const listing = (await runGit(repo, ["ls-tree", "-z", sha, "--", path])).toString();
  if (!/^100(644|755) blob /.test(listing)) return undefined;
  return (await runGit(repo, ["cat-file", "blob", `${sha}:${path}`])).toString();
}

/** Resolves a commit id and checks it names a commit. */
export async function commitOf(repo: GitRepo, sha: string): Promise<string> {
  return (await runGit(repo, ["rev-parse", "--verify", "--end-of-options", `${sha}^{commit}`])).toString().trim();
}

/** Where a ref points now, or undefined when it does not exist. */
export async function refTarget(repo: GitRepo, ref: string): Promise<string | undefined> {
  const out = await runGit(repo, ["for-each-ref", "--format=%(objectname)", ref]);
  const target = out.toString().trim();
  return target === "" ? undefined : target;
}
