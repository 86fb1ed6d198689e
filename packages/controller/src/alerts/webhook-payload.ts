import type { Notification } from "./notification.ts";

/**
 * The body of a generic webhook, following the Standard Webhooks payload convention. Receivers parse
 * it, so it is a contract: fields are added, never renamed or removed.
 *
 * ```json
 * {
 *   "type": "alert.firing",
 *   "timestamp": "2026-05-04T10:12:00.000Z",
 *   "data": {
 *     "app": "myapp",
 *     "appUrl": "http://myapp.example.com",
 *     "rule": { "id": "r_1", "kind": "errors", "summary": "5xx share above 5% over 5m (at least 20 requests)" },
 *     "status": "firing",
 *     "figure": "5xx 12% of 840 requests over 5 m",
 *     "startsAt": "2026-05-04T10:11:00.000Z",
 *     "endsAt": null,
 *     "release": { "version": 7, "deployedAt": "2026-05-04T10:00:00.000Z" },
 *     "rollbackCommand": "berth rollback v6 -a myapp"
 *   }
 * }
 * ```
 *
 * `data.group`, when present, lists the app's other alerts that changed state at the same
 * evaluation (`[{rule, status, figure}]`): one notification per app and evaluation.
 *
 * `type` is `alert.` + status (`firing`, `resolved`, `event`, `test`). `timestamp` is when the
 * notification was made; it stays the same on every retry (the attempt's time is the
 * `webhook-timestamp` header), and the notification's id is the `webhook-id` header.
 */
export interface WebhookPayload {
  type: `alert.${Notification["status"]}`;
  timestamp: string;
  data: Pick<
    Notification,
    "app" | "appUrl" | "rule" | "status" | "figure" | "startsAt" | "endsAt" | "release" | "rollbackCommand" | "group"
  >;
}

export function webhookPayload(n: Notification): WebhookPayload {
  return {
    type: `alert.${n.status}`,
    timestamp: n.time,
    data: {
      app: n.app,
      appUrl: n.appUrl,
      rule: { id: n.rule.id, kind: n.rule.kind, summary: n.rule.summary },
      status: n.status,
      figure: n.figure,
      startsAt: n.startsAt,
      endsAt: n.endsAt,
      release: n.release === null ? null : { version: n.release.version, deployedAt: n.release.deployedAt },
      rollbackCommand: n.rollbackCommand,
      ...(n.group === undefined || n.group.length === 0 ? {} : { group: n.group }),
    },
  };
}

/** The exact bytes to sign and send: `webhookPayload(n)` as compact JSON. */
export function webhookBody(n: Notification): string {
  return JSON.stringify(webhookPayload(n));
}
