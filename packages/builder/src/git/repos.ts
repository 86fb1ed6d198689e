import { chmod, mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runGit } from "./git.ts";

export interface RepoStoreOptions {
  /** `<dataDir>/repos`: one bare repository per app. */
  reposDir: string;
  /** `<dataDir>/hooks`: the hooks every repository runs (core.hooksPath). */
  hooksDir: string;
  /** The pre-receive hook's script. */
  preReceive: string;
  /** Largest pack a push may send, in bytes (receive.maxInputSize). */
  maxPushBytes: number;
  /** The git request deadline: git's keep-alive packets must come more often than that. */
  requestTimeoutMs: number;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Bare repositories under the data directory, created on first use for apps that exist. */
export function createRepoStore(options: RepoStoreOptions) {
  let hooksReady: Promise<void> | undefined;
  const creating = new Map<string, Promise<string>>();

  const installHooks = async () => {
    await mkdir(options.hooksDir, { recursive: true, mode: 0o700 });
    const file = join(options.hooksDir, "pre-receive");
    await writeFile(file, options.preReceive, { mode: 0o700 });
    await chmod(file, 0o700);
  };

  // Settings are (re)applied once per process, so a moved data directory or a new size limit
  // reaches repositories made by an earlier run.
  const configured = new Set<string>();
  const configure = async (dir: string) => {
    const set = (key: string, value: string) => runGit({}, ["config", "--file", join(dir, "config"), key, value]);
    await set("core.hooksPath", options.hooksDir);
    await set("receive.maxInputSize", String(options.maxPushBytes));
    // While a hook builds quietly (receive-pack) or a pack is prepared (upload-pack), git sends
    // keep-alive packets; they are what tells the request deadline that the request is alive.
    const keepAlive = String(Math.min(5, Math.max(1, Math.floor(options.requestTimeoutMs / 4000))));
    await set("receive.keepAlive", keepAlive);
    await set("uploadpack.keepAlive", keepAlive);
    // Force pushes are allowed (a deploy branch is often rewritten); the hook refuses deleting it.
    await set("receive.denyNonFastForwards", "false");
    return dir;
  };
  /** The app incarnation a repository was made for (`berth.generation` in its config). */
  const generationOf = (dir: string) =>
    runGit({}, ["config", "--file", join(dir, "config"), "--get", "berth.generation"]).then(
      (out) => String(out).trim(),
      () => "",
    );
  const create = async (dir: string, generation: string | undefined) => {
    // A repository left by a destroyed app of the same name holds someone else's code: start afresh.
    if (generation !== undefined && (await exists(join(dir, "HEAD"))) && (await generationOf(dir)) !== generation) {
      await rm(dir, { recursive: true, force: true });
    }
    if (!(await exists(join(dir, "HEAD")))) {
      await runGit({}, ["init", "--quiet", "--bare", "--initial-branch=main", dir]);
      if (generation !== undefined) await runGit({}, ["config", "--file", join(dir, "config"), "berth.generation", generation]);
    }
    return configure(dir);
  };

  return {
    /** Deletes an app's repository, if there is one (the name is validated by the caller). */
    async remove(app: string): Promise<void> {
      const dir = join(options.reposDir, `${app}.git`);
      for (const key of configured) if (key.startsWith(`${dir}\u0000`)) configured.delete(key);
      await rm(dir, { recursive: true, force: true });
    },

    /** Path of an app's repository (the name is validated by the caller). */
    pathOf: (app: string) => join(options.reposDir, `${app}.git`),

    /**
     * Makes sure the hooks are installed and the app's repository exists, made for this incarnation
     * of the app (`generation`, from push-auth); returns its path.
     */
    async ensure(app: string, generation?: string): Promise<string> {
      hooksReady ??= installHooks().catch((error: unknown) => {
        hooksReady = undefined;
        throw error;
      });
      await hooksReady;
      const dir = join(options.reposDir, `${app}.git`);
      const key = `${dir}\u0000${generation ?? ""}`;
      if (configured.has(key)) return dir;
      let pending = creating.get(app);
      if (pending === undefined) {
        pending = mkdir(options.reposDir, { recursive: true, mode: 0o700 })
          .then(() => create(dir, generation))
          .then((made) => {
            configured.add(key);
            return made;
          })
          .finally(() => creating.delete(app));
        creating.set(app, pending);
      }
      return pending;
    },
  };
}

export type RepoStore = ReturnType<typeof createRepoStore>;
