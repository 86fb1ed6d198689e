import { createHash } from "node:crypto";
import type { ReleaseStatus, RolloutProgress } from "@berth/api";
import { releaseView } from "../domain/views.ts";
import { BerthError, invalid } from "../errors.ts";
import { findRelease } from "../store/releases.ts";
import { findRollout } from "../store/rollouts.ts";
import type { Executor } from "../store/schema.ts";
import type { ReleaseHub } from "./release-hub.ts";

/** The longest a status long-poll is held, in seconds, and how long when the client does not say. */
export const MAX_WAIT_SECONDS = 60;
export const DEFAULT_WAIT_SECONDS = 25;

/** Reads `wait` (seconds) of a status query; absent is the default. */
export function waitSeconds(raw: unknown): number {
  if (raw === undefined || raw === "") return DEFAULT_WAIT_SECONDS;
  const text = typeof raw === "number" ? String(raw) : Array.isArray(raw) ? raw[0] : raw;
  const value = typeof text === "string" && /^[0-9]{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 0 && value <= MAX_WAIT_SECONDS)) {
    throw invalid("wait", `must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`, `e.g. wait=${DEFAULT_WAIT_SECONDS}`);
  }
  return value;
}

/** Reads `after` (a revision from an earlier answer) of a status query. */
export function afterRevision(raw: unknown): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const text = Array.isArray(raw) ? raw[0] : raw;
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(text)) {
    throw invalid("after", "is not a revision", "pass back the `revision` of an earlier answer, or leave it out");
  }
  return text;
}

/** Changes whenever what a waiter sees changes; the same on every replica, since it is made of stored facts. */
function revisionOf(state: string, failure: string | null, progress: RolloutProgress | null): string {
  return createHash("sha256").update(JSON.stringify([state, failure, progress])).digest("base64url").slice(0, 16);
}

/** The release as the store has it now, with its rollout's progress while pending. */
export async function readReleaseStatus(db: Executor, appId: string, version: number): Promise<ReleaseStatus> {
  const row = await findRelease(db, appId, version);
  if (row === undefined) {
    throw new BerthError("RELEASE_NOT_FOUND", `release v${version} of "${appId}" not found`, { hint: "`berth releases` lists them" });
  }
  const release = releaseView(row);
  const rollout = release.state === "pending" ? await findRollout(db, appId) : undefined;
  const progress = rollout?.kind === "deploy" && rollout.version === version ? rollout.progress : null;
  return { release, progress, revision: revisionOf(release.state, release.failure, progress) };
}

export interface AwaitStatusOptions {
  /** The revision the client has seen; without one the answer is immediate. */
  after: string | undefined;
  waitSeconds: number;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

/**
 * Answers at once when the release is settled or differs from the revision the client has seen;
 * otherwise holds until the hub reports a change that makes it differ, or until the wait is over,
 * and then answers with what the store says. It listens only while there is nothing to answer.
 */
export async function awaitReleaseStatus(
  deps: { db: Executor; hub: ReleaseHub },
  appId: string,
  version: number,
  options: AwaitStatusOptions,
): Promise<ReleaseStatus> {
  const answered = new AbortController();
  const over = AbortSignal.any([options.signal, AbortSignal.timeout(options.waitSeconds * 1000)]);
  // Ends the last listening too once answered, so the hub keeps no waiter for a finished request.
  const listening = AbortSignal.any([over, answered.signal]);
  const answerable = (status: ReleaseStatus) =>
    options.after === undefined || status.revision !== options.after || status.release.state !== "pending";
  try {
    let status = await readReleaseStatus(deps.db, appId, version);
    while (!answerable(status) && !over.aborted) {
      const change = deps.hub.next(appId, listening);
      // Read again once listening: a change made since the last read still wakes it.
      status = await readReleaseStatus(deps.db, appId, version);
      if (answerable(status)) break;
      await change;
      status = await readReleaseStatus(deps.db, appId, version);
    }
    return status;
  } finally {
    answered.abort();
  }
}
