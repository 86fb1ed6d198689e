import type { Scheduler } from "../scheduler/types.ts";

export interface CrashWatchOptions {
  /** The slow look at every app: for engines without a watch, and a watch's gaps. Default 60 s. */
  intervalMs?: number;
  /** The least time between the starts of two checks; changes meanwhile are gathered into one. Default 250 ms. */
  debounceMs?: number;
}

/**
 * Runs `check` for the apps whose instances the scheduler reports changed, for every app at first
 * and each `intervalMs` after. A change after a quiet spell is checked at once (an engine may restart
 * a crashed instance within 100 ms, and then no longer tell how it exited); changes that follow are
 * gathered for up to `debounceMs`; two checks never run at once.
 * `check(undefined)` means every app. The returned function stops it, once a running check ended.
 */
export function watchCrashes(
  scheduler: Pick<Scheduler, "watchInstances">,
  check: (apps: string[] | undefined) => Promise<void>,
  onError: (error: unknown) => void,
  options: CrashWatchOptions = {},
): () => Promise<void> {
  const stop = new AbortController();
  const debounceMs = options.debounceMs ?? 250;
  let pending: Set<string> | "all" | undefined;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastStart = 0;
  const run = () => {
    timer = undefined;
    if (running !== undefined || pending === undefined || stop.signal.aborted) return;
    lastStart = Date.now();
    const apps = pending === "all" ? undefined : [...pending];
    pending = undefined;
    running = check(apps)
      .catch(onError)
      .finally(() => {
        running = undefined;
        if (pending !== undefined) schedule();
      });
  };
  const schedule = () => {
    if (timer === undefined && !stop.signal.aborted) timer = setTimeout(run, Math.max(0, lastStart + debounceMs - Date.now())).unref();
  };
  const changed = (app: string | undefined) => {
    if (app === undefined || pending === "all") pending = "all";
    else {
      pending ??= new Set();
      pending.add(app);
    }
    // A change during a check waits for it to end (`finally` schedules the next).
    if (running === undefined) schedule();
  };
  scheduler.watchInstances?.(changed, stop.signal);
  const interval = setInterval(() => changed(undefined), options.intervalMs ?? 60_000).unref();
  changed(undefined);
  return async () => {
    stop.abort();
    clearInterval(interval);
    clearTimeout(timer);
    await running;
  };
}
