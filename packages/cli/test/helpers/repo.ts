import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git } from "../../src/git.ts";
import { baseEnv } from "./berth.ts";

/** A fresh git repository (one commit) in a temp directory. */
export async function tempRepo(home: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "berth-cli-repo-"));
  const options = { cwd: dir, env: baseEnv(home) };
  await git(["init", "-q", "-b", "main"], options);
  await git(["commit", "-q", "--allow-empty", "-m", "first"], options);
  return dir;
}

export function remoteUrl(home: string, repo: string, name: string): Promise<string> {
  return git(["remote", "get-url", name], { cwd: repo, env: baseEnv(home) }).then((url) => url.trim());
}

export function remoteNames(home: string, repo: string): Promise<string[]> {
  return git(["remote"], { cwd: repo, env: baseEnv(home) }).then((text) => text.split("\n").filter(Boolean));
}
