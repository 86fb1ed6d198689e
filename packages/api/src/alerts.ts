import type { Timestamp } from "./types.ts";

/**
 * What a rule watches. Metric kinds hold a condition over a window (`errors`: 5xx share of at least
 * `minRequests` requests; `latency`: p95 in ms; `crashes`: instance crashes; `down`: no ready web
 * instance, or every request failing; `memory`: share of the limit). Event kinds notify once per
 * event: a failed deploy, a failed build (a push that made no release), a rollback (`threshold` 1:
 * automatic ones only).
 */
export type AlertKind = "errors" | "latency" | "crashes" | "down" | "memory" | "deploy-failed" | "build-failed" | "rollback";

export const ALERT_KINDS: readonly AlertKind[] = [
  "errors",
  "latency",
  "crashes",
  "down",
  "memory",
  "deploy-failed",
  "build-failed",
  "rollback",
];

/** `ok` → `pending` (the condition holds, not yet for `forSeconds`) → `firing` → `ok` (resolved). Event rules stay `ok`. */
export type AlertState = "ok" | "pending" | "firing";

export interface AlertRule {
  /** Short public id, e.g. `r-3f9a1c`. */
  id: string;
  app: string;
  kind: AlertKind;
  /** errors: share in % (0–100); latency: p95 in ms; crashes: count; memory: share of the limit in %; down: unused; rollback: 1 = only automatic ones. */
  threshold: number | null;
  /** Over how long the figure is taken (metric kinds). */
  windowSeconds: number | null;
  /** How long the condition must hold before it fires. */
  forSeconds: number;
  /** errors: fewer requests than this in the window never fire. */
  minRequests: number | null;
  /** Channels it notifies; empty: every channel of the app. */
  channels: string[];
  enabled: boolean;
  state: AlertState;
  /** When the current state began. */
  stateSince: Timestamp;
  /** The figure at the last evaluation, e.g. "5xx 12% of 840 requests over 5 m". */
  figure: string | null;
  silencedUntil: Timestamp | null;
  /** One line: "5xx share above 5% over 5 m (at least 20 requests), for 2 m". */
  summary: string;
  created: Timestamp;
}

/** `POST /v2/apps/:id/alerts`. Omitted fields take the kind's defaults. */
export interface CreateAlertRuleRequest {
  kind: AlertKind;
  threshold?: number;
  windowSeconds?: number;
  forSeconds?: number;
  minRequests?: number;
  channels?: string[];
}

/** `PATCH /v2/apps/:id/alerts/:rule`: the fields to change. */
export interface UpdateAlertRuleRequest {
  threshold?: number;
  windowSeconds?: number;
  forSeconds?: number;
  minRequests?: number;
  channels?: string[];
  enabled?: boolean;
}

/** `POST /v2/apps/:id/alerts/:rule/silence`: no notifications for `forSeconds` (0 lifts a silence). */
export interface SilenceRequest {
  forSeconds: number;
}

export type ChannelType = "webhook" | "slack";

export interface AlertChannel {
  id: string;
  /** Null for a platform channel, which an admin adds and every app's notifications reach. */
  app: string | null;
  type: ChannelType;
  /** Where it posts, shortened to scheme://host/… (a Slack URL is itself a secret). */
  target: string;
  enabled: boolean;
  /** Why it was disabled (410 from the receiver, failing for too long), when it was. */
  disabledReason: string | null;
  created: Timestamp;
}

/** `POST /v2/apps/:id/alerts/channels`. */
export interface CreateChannelRequest {
  type: ChannelType;
  url: string;
}

/**
 * The channel just made: a webhook's signing secret (`whsec_…`) is in `secret`, shown this once.
 * `defaultRules` lists the rules the app was given with its first channel.
 */
export interface CreatedChannel extends AlertChannel {
  secret?: string;
  defaultRules: AlertRule[];
}

/** `POST /v2/apps/:id/alerts/channels/:channel/test`: what the receiver answered a real test notification. */
export interface ChannelTestResult {
  /** True only when a 2xx came back. */
  ok: boolean;
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The start of the receiver's answer. */
  response: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One notification to one channel, with its attempts so far. */
export interface AlertDelivery {
  id: string;
  app: string;
  channel: string;
  rule: string | null;
  /** `firing`, `resolved`, `event` or `test`. */
  kind: string;
  /** The notification's one line. */
  title: string;
  /** `pending` while attempts remain, `failed` when they ran out (or the channel went away). */
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  nextAttempt: Timestamp | null;
  created: Timestamp;
  updated: Timestamp;
}

/** One change of a rule's state, or one event it notified of (`berth alerts:history`). */
export interface AlertHistoryEntry {
  time: Timestamp;
  rule: string;
  kind: AlertKind;
  /** `pending`, `firing`, `resolved` or `event`. */
  change: string;
  figure: string;
}
