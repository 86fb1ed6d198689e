import { randomBytes } from "node:crypto";
import { latestGoodRelease } from "../store/releases.ts";
import { insertDelivery, listChannels, listPlatformChannels } from "../store/alerts.ts";
import type { AlertDeliveryRow, AlertRuleRow, Executor } from "../store/schema.ts";
import type { Notification } from "./notification.ts";
import { ruleView } from "./views.ts";

export const newId = (prefix: string, bytes = 4) => `${prefix}-${randomBytes(bytes).toString("hex")}`;

/** `http://{app}.localhost:8080` → the app's URL. */
export function appUrl(template: string, app: string): string {
  return template.replaceAll("{app}", app);
}

/**
 * The notification about `rule`, with what its reader needs to act: the app and its URL, the figure,
 * the live release and when it was deployed, and the command that rolls back to the one before.
 */
export async function notification(
  db: Executor,
  urlTemplate: string,
  rule: AlertRuleRow | { id: string; app_id: string; kind: string; summary: string },
  status: Notification["status"],
  figure: string,
  startsAt: string,
  now: number,
): Promise<Notification> {
  const app = rule.app_id;
  const live = await latestGoodRelease(db, app);
  const previous = live === undefined ? undefined : await latestGoodRelease(db, app, live.version);
  const summary = "summary" in rule ? rule.summary : ruleView(rule).summary;
  return {
    id: newId("msg", 8),
    app,
    appUrl: appUrl(urlTemplate, app),
    rule: { id: rule.id, kind: rule.kind, summary },
    status,
    figure,
    startsAt,
    endsAt: status === "resolved" ? new Date(now).toISOString() : null,
    release: live === undefined ? null : { version: live.version, deployedAt: live.updated },
    rollbackCommand: previous === undefined || previous.build_id === null ? null : `berth rollback v${previous.version} -a ${app}`,
    time: new Date(now).toISOString(),
  };
}

/** The notification's one line, as deliveries list it. */
export function titleOf(n: Notification): string {
  const what = n.status === "event" ? "" : ` ${n.status}`;
  return `${n.app}: ${n.rule.kind}${what} — ${n.figure}`;
}

/** A delivery of `n` to a channel, due at `now` (`rule` null for a test). */
export function deliveryRow(n: Notification, channel: string, rule: string | null, now: number): AlertDeliveryRow {
  const iso = new Date(now).toISOString();
  return {
    id: newId("d", 6),
    app_id: n.app,
    channel_id: channel,
    rule_id: rule,
    kind: n.status,
    title: titleOf(n),
    body: JSON.stringify(n),
    status: "pending",
    attempts: 0,
    last_status: null,
    last_error: null,
    last_duration_ms: null,
    next_attempt: iso,
    created: iso,
    updated: iso,
  };
}

/**
 * Queues `n` for the rule's channels (all the app's enabled channels when it names none) and the
 * platform's, each
 * delivery due now; answers how many. Runs in the transaction that changed the rule's state, so a
 * change is notified exactly when it is recorded.
 */
export async function enqueue(db: Executor, n: Notification, ruleChannels: readonly string[], now: number): Promise<number> {
  const own = (await listChannels(db, n.app)).filter((c) => ruleChannels.length === 0 || ruleChannels.includes(c.id));
  // The platform's channels get every app's notifications too (an operator's view of the whole).
  const channels = [...own, ...(await listPlatformChannels(db))].filter((c) => c.enabled === 1);
  for (const channel of channels) await insertDelivery(db, deliveryRow(n, channel.id, n.rule.id, now));
  return channels.length;
}
