import { setTimeout as sleep } from "node:timers/promises";
import type { LogEntry } from "@berth/api";
import type { Deployer } from "../deployer.ts";
import { eventsAfter } from "../store/app-events.ts";
import type { Store } from "../store/open.ts";
import { fromEvent, fromInstance, mergeLogs, timeKey } from "./merge.ts";

export interface LogReader {
  store: Store;
  deployer: Deployer;
}

/** Sends what `fetch` finds each `pollMs` that was not sent before, until `signal` aborts. */
async function poll(
  start: LogEntry[],
  fetch: (lineSince: string, eventSince: string) => Promise<LogEntry[]>,
  send: (entry: LogEntry) => void,
  signal: AbortSignal,
  pollMs: number,
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
    const fresh = (await fetch(lineSince, eventSince)).filter((e) => !seen.has(key(e)));
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

/**
 * Follows an app's logs by asking the engine and the store for what is new every `pollMs`, for
 * engines without a follow mode. Engines answer "since" to the second, so lines already sent are
 * remembered for the last seconds and skipped.
 */
export function pollLogs(
  deps: LogReader,
  app: string,
  start: LogEntry[],
  send: (entry: LogEntry) => void,
  signal: AbortSignal,
  pollMs = 1000,
) {
  return poll(
    start,
    async (lineSince, eventSince) => {
      const [lines, events] = await Promise.all([
        deps.deployer.logs(app, { tail: 1000, since: lineSince }),
        eventsAfter(deps.store.db, app, eventSince),
      ]);
      return mergeLogs(lines.map(fromInstance), events.map(fromEvent), 10_000);
    },
    send,
    signal,
    pollMs,
  );
}

/**
 * Follows an app's platform events. They are rows that several writers add (release and scale
 * routes in their transactions, the deployer, other controller replicas on PostgreSQL), so the
 * store is where they meet: it is asked for new ones every `pollMs`.
 */
export function pollEvents(
  deps: Pick<LogReader, "store">,
  app: string,
  start: LogEntry[],
  send: (entry: LogEntry) => void,
  signal: AbortSignal,
  pollMs = 1000,
) {
  const events = start.filter((e) => e.source === "berth");
  return poll(
    events,
    async (_lineSince, eventSince) => (await eventsAfter(deps.store.db, app, eventSince)).map(fromEvent),
    send,
    signal,
    pollMs,
  );
}
