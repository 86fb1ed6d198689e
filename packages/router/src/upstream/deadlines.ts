/**
 * Upstream timeouts without a timer per request: connections carry a deadline (ms on a coarse clock)
 * and one unref'd interval expires the overdue ones. Node's socket.setTimeout allocates a Timeout and a
 * bound function per call and refreshes on every read — three calls per proxied request otherwise.
 * Precision is the sweep interval (50 ms), far below any timeout an operator sets.
 */
export interface Expirable {
  /** 0 when no deadline is set. */
  deadline: number;
  expire(): void;
}

const SWEEP_MS = 50;
const tracked = new Set<Expirable>();
let timer: NodeJS.Timeout | undefined;
let clock = Date.now();

/** A clock good to {@link SWEEP_MS}, cheap to read on the hot path. */
export function coarseNow(): number {
  return timer === undefined ? Date.now() : clock;
}

function sweep(): void {
  clock = Date.now();
  for (const item of tracked) {
    if (item.deadline !== 0 && item.deadline <= clock) {
      item.deadline = 0;
      item.expire();
    }
  }
}

export function track(item: Expirable): void {
  tracked.add(item);
  if (timer === undefined) {
    clock = Date.now();
    timer = setInterval(sweep, SWEEP_MS).unref();
  }
}

export function untrack(item: Expirable): void {
  tracked.delete(item);
  if (tracked.size === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}
