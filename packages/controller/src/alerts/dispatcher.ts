import type { ChannelTestResult } from "@berth/api";
import type { Logger } from "../logger.ts";
import { insertEvent } from "../store/app-events.ts";
import { disableChannel, dueDeliveries, findChannel, updateDelivery } from "../store/alerts.ts";
import type { AlertChannelRow, AlertDeliveryRow, Db } from "../store/schema.ts";
import { appEvent } from "../rollout/app-events.ts";
import { BerthError } from "../errors.ts";
import { type DeliveryResult, deliver } from "./deliver.ts";
import { checkDestination, type LookupAll } from "./destination.ts";
import type { Notification } from "./notification.ts";
import { DEFAULT_RETRY_SCHEDULE_MS, nextAttemptDelayMs } from "./retry.ts";
import { webhookHeaders } from "./signature.ts";
import { slackBody } from "./slack.ts";
import { webhookBody } from "./webhook-payload.ts";

export interface DeliveryOptions {
  /** Whether channels may point at private, loopback and link-local addresses. */
  allowPrivate: boolean;
  /** Delays after each failed attempt (Standard Webhooks' by default); tests shorten them. */
  retryScheduleMs?: readonly number[];
  timeoutMs?: number;
  /** A CA to trust besides the system's, for receivers with a private CA. */
  ca?: string;
  lookup?: LookupAll;
  now?: () => number;
}

/** The request a channel gets for a notification: signed JSON for a webhook, `text` + `blocks` for Slack. */
function requestFor(channel: AlertChannelRow, n: Notification, now: number): { headers: Record<string, string>; body: string } {
  if (channel.type === "slack") return { headers: { "content-type": "application/json" }, body: slackBody(n) };
  const body = webhookBody(n);
  return { headers: { ...webhookHeaders(channel.secret ?? "", n.id, now, body) }, body };
}

/** One attempt to send `n` to `channel`: the URL checked (and its address pinned) first. */
export async function attempt(channel: AlertChannelRow, n: Notification, options: DeliveryOptions): Promise<DeliveryResult> {
  const now = options.now?.() ?? Date.now();
  let target: Awaited<ReturnType<typeof checkDestination>>;
  try {
    target = await checkDestination(channel.url, {
      allowPrivate: options.allowPrivate,
      ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
    });
  } catch (error) {
    const message = error instanceof BerthError ? error.message : String(error);
    return { ok: false, status: null, durationMs: 0, error: message, retryAfterMs: null, gone: false, responseExcerpt: "" };
  }
  return deliver(target, requestFor(channel, n, now), {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
}

/** What `alerts:test` prints: the receiver's own answer. */
export function testResult(result: DeliveryResult): ChannelTestResult {
  return { ok: result.ok, status: result.status, durationMs: result.durationMs, error: result.error, response: result.responseExcerpt };
}

/**
 * Sends the queued notifications when they are due, one attempt at a time, recording each (status,
 * duration, error), retrying with back-off (honouring `Retry-After`), and disabling a channel whose
 * receiver answered 410 or whose retries ran out — with an app event its owner sees in `berth logs`.
 */
export class Dispatcher {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #options: DeliveryOptions;

  constructor(db: Db, logger: Logger, options: DeliveryOptions) {
    this.#db = db;
    this.#logger = logger.child({ component: "alerts" });
    this.#options = options;
  }

  /** Sends what is due; answers how many attempts were made. */
  async run(limit = 20): Promise<number> {
    const now = this.#options.now?.() ?? Date.now();
    const due = await dueDeliveries(this.#db, new Date(now).toISOString(), limit);
    await Promise.all(due.map((d) => this.#send(d)));
    return due.length;
  }

  async #send(delivery: AlertDeliveryRow): Promise<void> {
    const channel = await findChannel(this.#db, delivery.channel_id);
    const nowIso = () => new Date(this.#options.now?.() ?? Date.now()).toISOString();
    if (channel === undefined || channel.enabled !== 1) {
      const why =
        channel === undefined ? "the channel was removed" : `the channel is disabled: ${channel.disabled_reason ?? "by its owner"}`;
      await updateDelivery(this.#db, delivery.id, { status: "failed", last_error: why, next_attempt: null, updated: nowIso() });
      return;
    }
    const n = JSON.parse(delivery.body) as Notification;
    const result = await attempt(channel, n, this.#options);
    const attempts = delivery.attempts + 1;
    const common = {
      attempts,
      last_status: result.status,
      last_error: result.error,
      last_duration_ms: Math.round(result.durationMs),
      updated: nowIso(),
    };
    if (result.ok) {
      await updateDelivery(this.#db, delivery.id, { ...common, status: "delivered", next_attempt: null });
      return;
    }
    const delay = nextAttemptDelayMs(attempts, result, this.#options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS);
    if (delay !== null) {
      const next = new Date((this.#options.now?.() ?? Date.now()) + delay).toISOString();
      await updateDelivery(this.#db, delivery.id, { ...common, status: "pending", next_attempt: next });
      this.#logger.info("a notification was not delivered; it will be tried again", {
        app: delivery.app_id,
        delivery: delivery.id,
        status: result.status,
        error: result.error,
        next,
      });
      return;
    }
    await updateDelivery(this.#db, delivery.id, { ...common, status: "failed", next_attempt: null });
    const reason = result.gone
      ? "its receiver answered 410 Gone"
      : `its receiver failed ${attempts} attempts in a row (last: ${result.status ?? result.error ?? "no answer"})`;
    await disableChannel(this.#db, channel.id, reason);
    // A platform channel belongs to no app: the controller's log says it (and `berth alerts:channels --platform`).
    if (channel.app_id !== null) {
      const message = `alert channel ${channel.id} disabled: ${reason}; \`berth alerts:channels\` shows it, add it again to use it`;
      await insertEvent(this.#db, appEvent(channel.app_id, "alert", message));
    }
    this.#logger.warn("an alert channel was disabled", { app: channel.app_id, channel: channel.id, reason });
  }
}
