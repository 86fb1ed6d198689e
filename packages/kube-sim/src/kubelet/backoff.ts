import { setTimeout as sleepFor } from "node:timers/promises";

/** The kubelet's back-off: 10 s doubling to 300 s (MaxContainerBackOff), forgotten after 10 minutes of quiet. */
export class Backoff {
  #failures = 0;
  #lastFailure = 0;

  /** Seconds to wait before the next attempt; the first crash restarts at once. */
  next(kind: "crash" | "pull", now = Date.now(), resetAfterMs = 600_000): number {
    if (this.#failures > 0 && now - this.#lastFailure > resetAfterMs) this.#failures = 0;
    this.#failures++;
    this.#lastFailure = now;
    const steps = kind === "crash" ? this.#failures - 2 : this.#failures - 1;
    return steps < 0 ? 0 : Math.min(10 * 2 ** steps, 300);
  }

  reset(): void {
    this.#failures = 0;
  }
}

/** Sleeps, or returns early (false) when the signal aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleepFor(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
