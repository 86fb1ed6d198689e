import { execFile } from "node:child_process";
import { CliError } from "./errors.ts";

export interface GitOptions {
  cwd: string;
  env: Record<string, string | undefined>;
}

export class GitFailed extends CliError {
  override readonly name = "GitFailed";
  readonly stderr: string;
  constructor(args: string[], stderr: string, cause: unknown) {
    super(
      `git ${args.join(" ")} failed: ${stderr.trim().split("\n")[0] ?? ""}`,
      "check that git is installed and the repository is intact",
      { cause },
    );
    this.stderr = stderr;
  }
}

/** Runs git (never through a shell) and returns its stdout. */
export function git(args: string[], options: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd: options.cwd, env: options.env as NodeJS.ProcessEnv, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new GitFailed(args, stderr || error.message, error));
      else resolve(stdout);
    });
  });
}

/** Whether `cwd` is inside a git work tree. */
export async function inRepository(options: GitOptions): Promise<boolean> {
  try {
    return (await git(["rev-parse", "--is-inside-work-tree"], options)).trim() === "true";
  } catch {
    return false;
  }
}

/** Remote name → fetch URL of the repository at `cwd` (empty outside a repository). */
export async function remotes(options: GitOptions): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!(await inRepository(options))) return found;
  const text = await git(["config", "--get-regexp", "^remote\\..*\\.url$"], options).catch(() => "");
  for (const line of text.split("\n")) {
    const match = /^remote\.(.+)\.url (.*)$/.exec(line);
    if (match?.[1] && match[2] !== undefined) found.set(match[1], match[2]);
  }
  return found;
}

/** The URL of an app's repository: the platform serves git over HTTP beside the API (`<url>/<app>.git`). */
export function gitUrl(controller: string, app: string): string {
  return `${controller.replace(/\/+$/, "")}/${app}.git`;
}

/** The app a git URL of this platform points at, if it does. */
export function appOfGitUrl(url: string, controller: string): string | undefined {
  const base = `${controller.replace(/\/+$/, "")}/`;
  if (!url.startsWith(base)) return undefined;
  const match = /^([a-z0-9-]+)\.git\/?$/.exec(url.slice(base.length));
  return match?.[1];
}

/** The app of a git URL on any platform: the last path segment without `.git`. */
export function appOfAnyGitUrl(url: string): string | undefined {
  return /\/([a-z0-9-]+)\.git\/?$/.exec(url)?.[1];
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * Makes `berth git-credential` git's credential helper for the platform's URL in the user's global
 * git config, so `git push berth main` authenticates with the profile's token.
 */
export async function installCredentialHelper(controller: string, self: string[], options: GitOptions): Promise<void> {
  const origin = new URL(controller).origin;
  const helper = `!${[...self, "git-credential"].map(shellQuote).join(" ")}`;
  // An empty helper first resets helpers inherited from broader sections for this URL.
  await git(["config", "--global", "--replace-all", `credential.${origin}.helper`, ""], options);
  await git(["config", "--global", "--add", `credential.${origin}.helper`, helper], options);
}
