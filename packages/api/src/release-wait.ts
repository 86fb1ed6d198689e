import { setTimeout as sleep } from "node:timers/promises";
import { ApiError } from "./errors.ts";
import type { Release, ReleaseStatus, ReleaseStatusQuery, RolloutProgress } from "./types.ts";

/** One long-poll of a release's status. */
export type AskReleaseStatus = (query: ReleaseStatusQuery, signal?: AbortSignal) => Promise<ReleaseStatus>;

export interface WaitForReleaseOptions {
  /** Stops the waiting (not the rollout): the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with the first status and with every change after it (state or rollout progress). */
  onProgress?: (status: ReleaseStatus) => void;
  /** How long the controller may hold each answer, in seconds (at most 60). Default 25. */
  holdSeconds?: number;
  /** Dropped connections in a row that are retried, with back-off, before the error is thrown. Default 3. */
  retries?: number;
}

/** First pause after a dropped connection, in ms; it doubles with each failure in a row. */
const FIRST_BACKOFF_MS = 250;

/** A failure to reach the controller, or a connection cut mid-answer (a restart, a proxy): worth asking again. */
function isDropped(error: unknown): boolean {
  if (error instanceof ApiError) return error.status === 0 || error.status === 502 || error.status === 503 || error.status === 504;
  return error instanceof TypeError;
}

/**
 * Long-polls a release until it is no longer pending and returns it: each answer is held by the
 * controller until the release or its rollout's progress changes, so there is no polling interval.
 * A dropped connection is retried after a back-off; any other error is thrown.
 */
export async function waitForRelease(ask: AskReleaseStatus, options: WaitForReleaseOptions = {}): Promise<Release> {
  const { signal, onProgress } = options;
  const retries = options.retries ?? 3;
  let after: string | undefined;
  let failures = 0;
  for (;;) {
    signal?.throwIfAborted();
    let status: ReleaseStatus;
    try {
      status = await ask({ wait: options.holdSeconds ?? 25, ...(after === undefined ? {} : { after }) }, signal);
    } catch (error) {
      signal?.throwIfAborted();
      if (!isDropped(error) || failures >= retries) throw error;
      failures += 1;
      await sleep(FIRST_BACKOFF_MS * 2 ** (failures - 1), undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
      continue;
    }
    failures = 0;
    if (status.revision !== after) onProgress?.(status);
    if (status.release.state !== "pending") return status.release;
    after = status.revision;
  }
}

/** How far a rollout has got, in words (`1/2 ready, 1 starting (web)`); what the CLI's spinner and `git push` say. */
export function describeProgress(progress: RolloutProgress): string {
  if (progress.phase === "reverting") return "it failed; putting the previous release back";
  if (progress.phase === "watching") return `${progress.ready}/${progress.want} ready; watching for crashes`;
  const starting = progress.starting > progress.ready ? `, ${progress.starting - progress.ready} starting` : "";
  return `${progress.ready}/${progress.want} ready${starting}${progress.type === null ? "" : ` (${progress.type})`}`;
}
