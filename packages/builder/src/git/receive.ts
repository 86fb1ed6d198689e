import { basename, resolve, sep } from "node:path";
import type { BuildLocks } from "../build/lock.ts";
import { BuildOutput } from "../build/output.ts";
import { waitForRollout } from "../build/rollout.ts";
import { type PipelineDeps, runBuild } from "../build/pipeline.ts";
import { BuildError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { HookChannel, HookRequest } from "./hook-server.ts";
import type { PendingPushes } from "./pushes.ts";
import type { RepoStore } from "./repos.ts";

export interface ReceiveDeps extends PipelineDeps {
  repos: RepoStore;
  locks: BuildLocks;
  pushes: PendingPushes;
  logger: Logger;
  /** Branches whose pushes are built (`main`, `master`). */
  deployBranches: readonly string[];
  /** A build that takes longer is cancelled (its lock must not be held forever). */
  buildTimeoutMs: number;
}

interface RefUpdate {
  old: string;
  next: string;
  ref: string;
}

const sha = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const zero = /^0+$/;
/** The only variables a hook may hand over: where git keeps the pushed objects until the hook says yes. */
const objectKeys = new Set(["GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_QUARANTINE_PATH"]);

function parseUpdates(text: string): RefUpdate[] {
  return text
    .split("\n")
    .map((line) => line.trim().split(" "))
    .filter((parts): parts is [string, string, string] => parts.length === 3 && sha.test(parts[0] ?? "") && sha.test(parts[1] ?? ""))
    .map(([old, next, ref]) => ({ old, next, ref }));
}

/** Only the hook's own repository and quarantine, inside the data directory, are accepted. */
function checkRepo(deps: ReceiveDeps, request: HookRequest): { app: string; gitDir: string } | undefined {
  const gitDir = resolve(request.gitDir);
  const app = basename(gitDir).replace(/\.git$/, "");
  if (deps.repos.pathOf(app) !== gitDir) return undefined;
  for (const [key, value] of Object.entries(request.objectEnv)) {
    if (!objectKeys.has(key) || typeof value !== "string") return undefined;
    for (const dir of value.split(":")) if (dir !== "" && !resolve(gitDir, dir).startsWith(gitDir + sep)) return undefined;
  }
  return { app, gitDir };
}

function report(out: BuildOutput, error: unknown, logger: Logger): void {
  if (error instanceof BuildError) {
    for (const line of error.message.split("\n")) out.warn(line);
    if (error.hint !== undefined) out.warn(error.hint);
  } else {
    logger.error("build failed unexpectedly", { error });
    out.warn(`the builder failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
    out.warn("push again; if it keeps failing, ask your Berth operator to look at the builder's log");
  }
  out.warn("push rejected: no release was made");
}

/** One run of the pre-receive hook: builds the deploy branch's commit; its exit code decides the push. */
export async function receivePush(deps: ReceiveDeps, request: HookRequest, channel: HookChannel): Promise<number> {
  const out = new BuildOutput((text) => channel.write(text));
  const repo = checkRepo(deps, request);
  if (repo === undefined) {
    out.warn("this repository is not one of Berth's; push rejected");
    return 1;
  }
  const { app, gitDir } = repo;
  const updates = parseUpdates(request.updates);
  const deployRefs = deps.deployBranches.map((b) => `refs/heads/${b}`);
  const deleted = updates.find((u) => deployRefs.includes(u.ref) && zero.test(u.next));
  if (deleted !== undefined) {
    out.warn(`${deleted.ref.replace("refs/heads/", "")} is the branch Berth deploys and cannot be deleted; push rejected`);
    return 1;
  }
  const deploy = updates.find((u) => deployRefs.includes(u.ref));
  for (const u of updates) {
    if (u !== deploy)
      out.line(
        `${u.ref.replace(/^refs\/(heads|tags)\//, "")}: stored, not built (Berth builds pushes to ${deps.deployBranches.join(" or ")})`,
      );
  }
  if (deploy === undefined) return 0;

  const pending = deps.pushes.find(app, deploy.next);
  if (pending === undefined) {
    out.warn("this push did not come through an authenticated request; push rejected");
    return 1;
  }
  const lock = deps.locks.acquire(app, { user: pending.user, sha: deploy.next, since: Date.now() });
  if (!lock.ok) {
    const seconds = Math.round((Date.now() - lock.holder.since) / 1000);
    out.warn(`${app} is already building ${lock.holder.sha.slice(0, 7)}, pushed by ${lock.holder.user} ${seconds} s ago`);
    out.warn("wait for that build to finish, then push again; push rejected");
    return 1;
  }
  const timeout = new AbortController();
  const minutes = deps.buildTimeoutMs / 60_000;
  const timer = setTimeout(
    () =>
      timeout.abort(
        new Error(
          `the build took longer than ${minutes >= 1 ? `${minutes} min` : `${deps.buildTimeoutMs / 1000} s`} (BERTH_BUILD_TIMEOUT)`,
        ),
      ),
    deps.buildTimeoutMs,
  );
  const signal = AbortSignal.any([channel.signal, pending.signal, timeout.signal]);
  const logger = deps.logger.child({ app, sha: deploy.next });
  try {
    const result = await runBuild(deps, {
      app,
      user: pending.user,
      sha: deploy.next,
      ref: deploy.ref,
      previous: zero.test(deploy.old) ? undefined : deploy.old,
      repo: { gitDir, objectEnv: request.objectEnv },
      out,
      signal,
    });
    const release = await waitForRollout(deps.controller, app, result.release, out, signal);
    if (release.state === "failed") {
      out.warn(`v${release.version} failed to deploy: ${release.failure ?? "no reason given"}`);
      out.warn("the previous release keeps serving; `berth logs` shows what the app printed. Push rejected.");
      logger.info("rollout failed", { version: release.version, failure: release.failure });
      return 1;
    }
    if (release.state === "superseded") {
      out.step(
        `v${release.version} was taken over by a newer release before its rollout finished; \`berth releases\` shows how that one ends`,
      );
      logger.info("release superseded", { version: release.version });
      return 0;
    }
    const where = result.url === undefined ? "" : ` — ${result.url}`;
    out.step(`released v${release.version}${where}`);
    logger.info("released", { version: release.version, image: result.build.image });
    return 0;
  } catch (error) {
    const reason = signal.reason instanceof Error ? signal.reason.message : "the push was interrupted";
    const shown = signal.aborted && !(error instanceof BuildError) ? new BuildError("CANCELLED", `build cancelled: ${reason}`) : error;
    report(out, shown, logger);
    const failure = shown instanceof Error ? shown.message : String(shown);
    logger.info("build failed", { error: failure });
    // Told to the controller (the app's log, `build-failed` alerts) unless the pusher went away.
    if (!channel.signal.aborted && !pending.signal.aborted) {
      await deps.controller.hooks
        .buildFailed({ app, user: pending.user, sha: deploy.next, reason: failure })
        .catch((err: unknown) => logger.warn("could not tell the controller the build failed", { err }));
    }
    return 1;
  } finally {
    clearTimeout(timer);
    lock.release();
  }
}
