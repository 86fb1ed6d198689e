import { describeAge, type Notification } from "./notification.ts";

/** The Block Kit subset Berth sends; Mattermost and Discord's `/slack` endpoint take the same JSON. */
type TextObject = { type: "mrkdwn"; text: string } | { type: "plain_text"; text: string; emoji: true };
export type SlackBlock =
  | { type: "header"; text: Extract<TextObject, { type: "plain_text" }> }
  | { type: "section"; text: Extract<TextObject, { type: "mrkdwn" }>; fields?: Extract<TextObject, { type: "mrkdwn" }>[] }
  | { type: "context"; elements: Extract<TextObject, { type: "mrkdwn" }>[] };

export interface SlackMessage {
  /** The one-line fallback shown in notifications and by clients that do not render blocks. */
  text: string;
  blocks: SlackBlock[];
}

const EMOJI: Readonly<Record<Notification["status"], string>> = { firing: "🔴", resolved: "🟢", event: "🟠", test: "🔵" };
/** Block Kit refuses a header over 150 characters and a text object over 3000. */
const HEADER_LIMIT = 150;
const TEXT_LIMIT = 3000;

/** Slack reads &, < and > as markup (`<url|label>`), so text from rules and figures is escaped. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function mrkdwn(text: string): { type: "mrkdwn"; text: string } {
  return { type: "mrkdwn", text: clip(text, TEXT_LIMIT) };
}

function headline(n: Notification): string {
  const what =
    n.status === "firing" || n.status === "resolved"
      ? `${n.rule.kind} ${n.status}`
      : n.status === "test"
        ? `test of ${n.rule.kind}`
        : n.rule.kind;
  return `${EMOJI[n.status]} ${n.app}: ${what}`;
}

function releaseLine(n: Notification, nowMs: number): string {
  if (n.release === null) return "none yet";
  const { version, deployedAt } = n.release;
  return deployedAt === null ? `v${version}, not deployed` : `v${version}, deployed ${describeAge(deployedAt, nowMs)}`;
}

function timeline(n: Notification, nowMs: number): string {
  const started = `started ${describeAge(n.startsAt, nowMs)}`;
  return n.status === "resolved" && n.endsAt !== null ? `${started}, resolved ${describeAge(n.endsAt, nowMs)}` : started;
}

/** The Slack message for a notification. Ages are measured from `n.time`, so every retry reads the same. */
export function slackMessage(n: Notification): SlackMessage {
  const nowMs = Date.parse(n.time);
  const host = new URL(n.appUrl).host;
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(headline(n), HEADER_LIMIT), emoji: true } },
    {
      type: "section",
      text: mrkdwn(`*${escapeMrkdwn(n.figure)}*\n${escapeMrkdwn(n.rule.summary)}`),
      fields: [
        mrkdwn(`*Release*\n${escapeMrkdwn(releaseLine(n, nowMs))}`),
        mrkdwn(`*App*\n<${escapeMrkdwn(n.appUrl)}|${escapeMrkdwn(host)}>`),
      ],
    },
  ];
  if (n.group !== undefined && n.group.length > 0) {
    const lines = n.group.map((g) => `${EMOJI[g.status]} ${escapeMrkdwn(`${g.rule.kind} ${g.status}: ${g.figure}`)}`);
    blocks.push({ type: "section", text: mrkdwn(`*Also at this evaluation*\n${lines.join("\n")}`) });
  }
  // Rolling back is advice for a live problem; once resolved, it would only invite a needless rollback.
  if (n.rollbackCommand !== null && n.status !== "resolved") {
    blocks.push({ type: "section", text: mrkdwn(`To roll back: \`${escapeMrkdwn(n.rollbackCommand)}\``) });
  }
  blocks.push({
    type: "context",
    elements: [mrkdwn(`${escapeMrkdwn(timeline(n, nowMs))} · rule ${escapeMrkdwn(n.rule.id)} · sent by Berth`)],
  });
  return { text: escapeMrkdwn(`${headline(n)} — ${n.figure}`), blocks };
}

/** The JSON body for a Slack (or Mattermost, or Discord `/slack`) incoming webhook. */
export function slackBody(n: Notification): string {
  return JSON.stringify(slackMessage(n));
}
