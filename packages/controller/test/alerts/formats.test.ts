import test from "ava";
import type { Notification } from "../../src/alerts/notification.ts";
import { type SlackMessage, slackBody } from "../../src/alerts/slack.ts";
import { webhookBody } from "../../src/alerts/webhook-payload.ts";

const firing: Notification = {
  id: "ntf_01",
  app: "myapp",
  appUrl: "http://myapp.example.com",
  rule: { id: "rule_7", kind: "errors", summary: "5xx share above 5% over 5m (at least 20 requests)" },
  status: "firing",
  figure: "5xx 12% of 840 requests over 5 m",
  startsAt: "2026-05-04T11:55:00.000Z",
  endsAt: null,
  release: { version: 7, deployedAt: "2026-05-04T11:48:00.000Z" },
  rollbackCommand: "berth rollback v6 -a myapp",
  time: "2026-05-04T12:00:00.000Z",
};
const resolved: Notification = { ...firing, status: "resolved", endsAt: "2026-05-04T11:58:00.000Z" };

function slack(n: Notification): SlackMessage {
  return JSON.parse(slackBody(n)) as SlackMessage;
}

function allText(message: SlackMessage): string {
  return message.blocks
    .flatMap((block) =>
      block.type === "context" ? block.elements : [block.text, ...(block.type === "section" ? (block.fields ?? []) : [])],
    )
    .map((text) => text.text)
    .join("\n");
}

test("the webhook body is type, timestamp and data, with every field of the notification but its id", (t) => {
  t.deepEqual(JSON.parse(webhookBody(firing)), {
    type: "alert.firing",
    timestamp: "2026-05-04T12:00:00.000Z",
    data: {
      app: "myapp",
      appUrl: "http://myapp.example.com",
      rule: { id: "rule_7", kind: "errors", summary: "5xx share above 5% over 5m (at least 20 requests)" },
      status: "firing",
      figure: "5xx 12% of 840 requests over 5 m",
      startsAt: "2026-05-04T11:55:00.000Z",
      endsAt: null,
      release: { version: 7, deployedAt: "2026-05-04T11:48:00.000Z" },
      rollbackCommand: "berth rollback v6 -a myapp",
    },
  });
});

test("the webhook type follows the notification's status", (t) => {
  const types = (["firing", "resolved", "event", "test"] as const).map((status) => JSON.parse(webhookBody({ ...firing, status })).type);
  t.deepEqual(types, ["alert.firing", "alert.resolved", "alert.event", "alert.test"]);
});

test("the webhook body is compact JSON, the exact bytes that get signed", (t) => {
  t.false(webhookBody(firing).includes("\n"));
});

test("the Slack fallback text names the app, the rule's kind, its state and the figure on one line", (t) => {
  t.is(slack(firing).text, "🔴 myapp: errors firing — 5xx 12% of 840 requests over 5 m");
});

test("a resolved alert reads resolved, in green, without the rollback advice", (t) => {
  const message = slack(resolved);
  t.is(message.text, "🟢 myapp: errors resolved — 5xx 12% of 840 requests over 5 m");
  t.regex(allText(message), /started 5 minutes ago, resolved 2 minutes ago/);
  t.false(allText(message).includes("berth rollback"));
});

test("Slack blocks show the figure, the release and its age, a link to the app and the rollback command in code", (t) => {
  const message = slack(firing);
  t.true(Array.isArray(message.blocks));
  t.deepEqual(message.blocks[0], { type: "header", text: { type: "plain_text", text: "🔴 myapp: errors firing", emoji: true } });
  const text = allText(message);
  t.regex(text, /\*5xx 12% of 840 requests over 5 m\*/);
  t.regex(text, /v7, deployed 12 minutes ago/);
  t.regex(text, /<http:\/\/myapp\.example\.com\|myapp\.example\.com>/);
  t.regex(text, /`berth rollback v6 -a myapp`/);
});

test("Slack blocks are of the kinds Block Kit accepts, with mrkdwn texts inside sections and context", (t) => {
  for (const block of slack(firing).blocks) {
    t.true(["header", "section", "context"].includes(block.type), block.type);
    if (block.type === "section") t.is(block.text.type, "mrkdwn");
    if (block.type === "context") t.true(block.elements.every((element) => element.type === "mrkdwn"));
  }
});

test("Slack markup in rules and figures is escaped, so it cannot turn into links or mentions", (t) => {
  const message = slack({ ...firing, figure: "p95 > 2 s & rising <!channel>" });
  t.is(message.text, "🔴 myapp: errors firing — p95 &gt; 2 s &amp; rising &lt;!channel&gt;");
  t.regex(allText(message), /\*p95 &gt; 2 s &amp; rising &lt;!channel&gt;\*/);
});

test("a notification without a release or a rollback says so instead of inventing one", (t) => {
  const text = allText(slack({ ...firing, release: null, rollbackCommand: null }));
  t.regex(text, /\*Release\*\nnone yet/);
  t.false(text.includes("roll back"));
});

test("an event and a test read differently from a firing alert", (t) => {
  t.is(
    slack({ ...firing, status: "event", rule: { ...firing.rule, kind: "crash-loop" }, figure: "web.1 restarted 5 times in 10 m" }).text,
    "🟠 myapp: crash-loop — web.1 restarted 5 times in 10 m",
  );
  t.regex(slack({ ...firing, status: "test" }).text, /^🔵 myapp: test of errors — /);
});
