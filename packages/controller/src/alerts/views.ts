import type { AlertChannel, AlertDelivery, AlertHistoryEntry, AlertKind, AlertRule, AlertState, ChannelType } from "@berth/api";
import type { AlertChannelRow, AlertDeliveryRow, AlertHistoryRow, AlertRuleRow } from "../store/schema.ts";
import { summarize } from "./kinds.ts";

/** Where a channel posts, without what makes its URL a secret (a Slack URL's path, any query). */
export function channelTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/…`;
}

export function channelView(row: AlertChannelRow): AlertChannel {
  return {
    id: row.id,
    app: row.app_id,
    type: row.type as ChannelType,
    target: channelTarget(row.url),
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    created: row.created,
  };
}

export function ruleView(row: AlertRuleRow): AlertRule {
  const shape = {
    kind: row.kind as AlertKind,
    threshold: row.threshold,
    windowSeconds: row.window_s,
    forSeconds: row.for_s,
    minRequests: row.min_requests,
  };
  return {
    id: row.id,
    app: row.app_id,
    ...shape,
    channels: JSON.parse(row.channels) as string[],
    enabled: row.enabled === 1,
    state: row.state as AlertState,
    stateSince: row.state_since,
    figure: row.figure,
    silencedUntil: row.silenced_until !== null && Date.parse(row.silenced_until) > Date.now() ? row.silenced_until : null,
    summary: summarize(shape),
    created: row.created,
  };
}

export function historyView(row: AlertHistoryRow): AlertHistoryEntry {
  return { time: row.time, rule: row.rule_id, kind: row.kind as AlertKind, change: row.change, figure: row.figure };
}

export function deliveryView(row: AlertDeliveryRow): AlertDelivery {
  return {
    id: row.id,
    app: row.app_id,
    channel: row.channel_id,
    rule: row.rule_id,
    kind: row.kind,
    title: row.title,
    status: row.status as AlertDelivery["status"],
    attempts: row.attempts,
    lastStatusCode: row.last_status,
    lastError: row.last_error,
    lastDurationMs: row.last_duration_ms,
    nextAttempt: row.status === "pending" ? row.next_attempt : null,
    created: row.created,
    updated: row.updated,
  };
}
