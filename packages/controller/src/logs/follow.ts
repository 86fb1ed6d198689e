import { setTimeout as sleep } from "node:timers/promises";
import type { LogEntry } from "@berth/api";
import type { Deployer } from "../deployer.ts";
import { eventsAfter, recentEvents } from "../store/events.ts";
import type { Store } from "../store/open.ts";
import { fromEvent, fromInstance, mergeLogs, timeKey } from "./merge.ts";

export interface LogReader {
  store: Store;
  deployer: Deployer;
}

/** The app's last `limit` lines: instance output and platform events, in time order. */
export async function recentLogs(deps: LogReader, app: string, limit: number): Promise<LogEntry[]> {
  const [lines, events] = await Promise.all([deps.deployer.logs(app, { tail: limit }), recentEvents(deps.store.db, app, limit)]);
  return mergeLogs(lines.map(fromInstance), events.map(fromEvent), limit);
}

/**
 * Follows an app's logs by asking the engine and the store for what is new every `pollMs`. Engines
 * answer "since" to the second, so lines already sent are remembered for the last seconds and skipped.
 */
export async function followLogs(
  deps: LogReader,
  app: string,
  start: LogEntry[],
  send: (entry: LogEntry) => void,
  signal: AbortSignal,
  pollMs = 1000,
): Promise<void> {
  const seen = new Set<string>();
  const key = (e: LogEntry) => `${e.time}\u0000${e.tag}\u0000${e.line}`;
  let lineSince = new Date(Date.now() - 1000).toISOString();
  let eventSince = new Date(0).toISOString();
  for (const entry of start) {
    seen.add(key(entry));
    if (entry.source === "berth" && timeKey(entry.time) > timeKey(eventSince)) eventSince = entry.time;
    if (entry.source === "app" && timeKey(entry.time) > timeKey(lineSince)) lineSince = entry.time;
  }
  while (!signal.aborted) {
    // An abort ends the wait early; the loop then ends.
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) return;
    const [lines, events] = await Promise.all([
      deps.deployer.logs(app, { tail: 1000, since: lineSince }),
      eventsAfter(deps.store.db, app, eventSince),
    ]);
    const fresh = mergeLogs(lines.map(fromInstance), events.map(fromEvent), 10_000).filter((e) => !seen.has(key(e)));
    for (const entry of fresh) {
      seen.add(key(entry));
      send(entry);
      if (entry.source === "berth") eventSince = entry.time;
      else if (timeKey(entry.time) > timeKey(lineSince)) lineSince = entry.time;
    }
    // Forget what is safely older than the engine's one-second "since" window.
    if (seen.size > 5000) {
      const cutoff = timeKey(new Date(Date.parse(lineSince) - 5000).toISOString());
      for (const k of seen) if (timeKey(k.split("\u0000")[0] ?? "") < cutoff) seen.delete(k);
    }
  }
}
