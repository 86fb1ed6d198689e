import { chmod, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { Env } from "@berth/config/cli";
import { CliError } from "./errors.ts";
import { variable } from "./variables.ts";

/** What `berth login` remembers: never the password. */
export interface Profile {
  controller: string;
  username: string;
  token: string;
}

/**
 * `~/.berth/client.json`, or `~/.berth/<name>.json` for `BERTH_PROFILE=<name>`; a value ending in
 * `.json` is the file's path itself (Deis's rule).
 */
export function profilePath(env: Env, home: string, cwd: string): string {
  const name = variable(env, "profile");
  if (name.endsWith(".json")) return isAbsolute(name) ? name : resolve(cwd, name);
  return join(home, ".berth", `${name}.json`);
}

export async function readProfile(path: string): Promise<Profile | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read the profile ${path}: ${(error as Error).message}`, "check its permissions, or log in again");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`the profile ${path} is not valid JSON`, "delete it with `berth logout` and log in again");
  }
  const { controller, username, token } = (value ?? {}) as Record<string, unknown>;
  if (typeof controller !== "string" || typeof username !== "string" || typeof token !== "string") {
    throw new CliError(`the profile ${path} lacks controller, username or token`, "log in again with `berth login <url>`");
  }
  return { controller, username, token };
}

/** Writes the profile readable by its owner only (file 0600 in a 0700 directory). */
export async function writeProfile(path: string, profile: Profile): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const body: Profile = { controller: profile.controller, username: profile.username, token: profile.token };
  await writeFile(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** Deletes the profile; false when there was none. */
export async function removeProfile(path: string): Promise<boolean> {
  try {
    await rm(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
