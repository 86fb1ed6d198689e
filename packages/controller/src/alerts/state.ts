import type { AlertState } from "@berth/api";

/** A rule's state as the store keeps it. */
export interface RuleState {
  state: AlertState;
  stateSince: string;
  /** While firing: since when the condition has not held. */
  clearSince: string | null;
  /** When a firing notification last went out. */
  notified: string | null;
}

export interface StepOptions {
  forMs: number;
  /** A firing alert resolves only once its condition has not held for this long (hysteresis). */
  resolveAfterMs: number;
  /** A firing alert notifies again after this long. */
  repeatMs: number;
}

/** What a step changed: the new state, what to record in the history, whom to notify. */
export interface Step {
  next: RuleState;
  change: "pending" | "firing" | "resolved" | null;
  notify: "firing" | "resolved" | null;
}

/**
 * One evaluation, with Prometheus' semantics: a condition that holds is `pending` until it has held
 * for `forMs`, then `firing`; a firing alert notifies again every `repeatMs`, and resolves only once
 * the condition has been clear for `resolveAfterMs`, so a value that flaps around the threshold does
 * not notify on every tick.
 */
export function step(current: RuleState, holds: boolean, now: number, options: StepOptions): Step {
  const iso = new Date(now).toISOString();
  const since = Date.parse(current.stateSince);
  if (current.state === "firing") {
    if (holds) {
      const repeat = current.notified !== null && now - Date.parse(current.notified) >= options.repeatMs;
      return {
        next: { ...current, clearSince: null, notified: repeat ? iso : current.notified },
        change: null,
        notify: repeat ? "firing" : null,
      };
    }
    const clearSince = current.clearSince ?? iso;
    if (now - Date.parse(clearSince) >= options.resolveAfterMs) {
      return { next: { state: "ok", stateSince: iso, clearSince: null, notified: iso }, change: "resolved", notify: "resolved" };
    }
    return { next: { ...current, clearSince }, change: null, notify: null };
  }
  if (!holds) {
    return current.state === "ok"
      ? { next: current, change: null, notify: null }
      : { next: { ...current, state: "ok", stateSince: iso }, change: null, notify: null };
  }
  const pendingSince = current.state === "pending" ? since : now;
  if (now - pendingSince >= options.forMs) {
    return { next: { state: "firing", stateSince: iso, clearSince: null, notified: iso }, change: "firing", notify: "firing" };
  }
  if (current.state === "pending") return { next: current, change: null, notify: null };
  return { next: { ...current, state: "pending", stateSince: iso, clearSince: null }, change: "pending", notify: null };
}
