import type { LogEntry } from "@berth/api";
import type { LogLine } from "../scheduler/types.ts";
import { recentEvents } from "../store/app-events.ts";
import { fromEvent, fromInstance, mergeLogs, timeKey } from "./merge.ts";
import { type LogReader, pollEvents, pollLogs } from "./poll.ts";

export type { LogReader } from "./poll.ts";

/** What a follow starts after: the entries sent first, and the instance lines they were cut from. */
export interface RecentLogs {
  entries: LogEntry[];
  /** Every instance line read (the newest `limit` of each instance), sent or passed over as older. */
  lines: LogLine[];
  limit: number;
}

/**
 * Lines a follow asks the engine to repeat per running instance, beyond `limit`: enough to cover
 * what an instance wrote between reading the recent lines and the follow's start. What was read
 * before is dropped again.
 */
const followMargin = 100;

/** The app's last `limit` lines: instance output and platform events, in time order. */
export async function readRecentLogs(deps: LogReader, app: string, limit: number): Promise<RecentLogs> {
  const [lines, events] = await Promise.all([
    deps.deployer.logs(app, { tail: Math.max(1, limit) }),
    recentEvents(deps.store.db, app, limit),
  ]);
  return { entries: mergeLogs(lines.map(fromInstance), events.map(fromEvent), limit), lines, limit };
}

/**
 * Sends instance lines as the engine streams them, dropping what `recent` read already (the
 * follow starts a little further back), until `signal` aborts. Platform events come from the store.
 */
async function streamLogs(
  deps: LogReader,
  follow: NonNullable<LogReader["deployer"]["followLogs"]>,
  app: string,
  recent: RecentLogs,
  send: (entry: LogEntry) => void,
  signal: AbortSignal,
): Promise<void> {
  // Per instance, the newest line read: the follow repeats up to it, and no further.
  const readUpTo = new Map<string, string>();
  for (const l of recent.lines) if (timeKey(l.time) > (readUpTo.get(l.instance) ?? "")) readUpTo.set(l.instance, timeKey(l.time));
  const onLine = (line: LogLine) => {
    const upTo = readUpTo.get(line.instance);
    if (upTo !== undefined) {
      if (timeKey(line.time) <= upTo) return;
      readUpTo.delete(line.instance);
    }
    send(fromInstance(line));
  };
  // Either stream failing ends the other: the client then sees the stream end, not half of it.
  const stop = new AbortController();
  const stopped = AbortSignal.any([signal, stop.signal]);
  const results = await Promise.allSettled(
    [follow(app, onLine, stopped, { tail: recent.limit + followMargin }), pollEvents(deps, app, recent.entries, send, stopped)].map((p) =>
      p.catch((error: unknown) => {
        stop.abort();
        throw error;
      }),
    ),
  );
  const failed = results.find((r) => r.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

/**
 * Follows an app's logs after `recent` until `signal` aborts: through the engine's follow mode when
 * it has one, else by polling.
 */
export function followLogs(
  deps: LogReader,
  app: string,
  recent: RecentLogs,
  send: (entry: LogEntry) => void,
  signal: AbortSignal,
): Promise<void> {
  const follow = deps.deployer.followLogs?.bind(deps.deployer);
  if (follow !== undefined) return streamLogs(deps, follow, app, recent, send, signal);
  return pollLogs(deps, app, recent.entries, send, signal);
}
