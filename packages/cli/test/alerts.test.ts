import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import test from "ava";
import { formatDuration, parseDuration } from "../src/duration.ts";
import { clock } from "../src/alerts-view.ts";
import type { AlertChannel } from "@berth/api";
import { type AlertsState, alertsFetch, emptyAlerts, rule, type SeenRequest, sampleAlerts } from "./helpers/alerts.ts";
import { berth, loggedIn } from "./helpers/berth.ts";
import { startController, type TestController } from "./helpers/controller.ts";

let controller: TestController;
/** alice, the first user: an administrator. */
let home: string;
/** bob, who is not. */
let bobHome: string;
test.before(async () => {
  controller = await startController();
  home = await loggedIn(controller.url);
  bobHome = await loggedIn(controller.url, "bob");
});
test.after.always(() => controller?.close());

/** `berth <argv>` as is, against the alerts fake over `state`; what it printed and the requests it made. */
async function runAs(argv: string[], state: AlertsState, options: { tty?: boolean; home?: string } = {}) {
  const seen: SeenRequest[] = [];
  const result = await berth(argv, { fetch: alertsFetch(state, seen), ...options, home: options.home ?? home });
  const requests = seen.map((r) => [r.method, `${r.url.pathname}${r.url.search}`, r.body] as const);
  return { ...result, state, requests, lines: result.stdout.trimEnd().split("\n") };
}

/** `berth <argv> -a myapp` against the alerts fake over `state`. */
const run = (argv: string[], state: AlertsState = sampleAlerts("myapp"), options: { tty?: boolean } = {}) =>
  runAs([...argv, "-a", "myapp"], state, options);

/** `berth <argv>` with no -a, as alice (an administrator) unless `as` says whose home: for --platform. */
const platform = (argv: string[], state: AlertsState = emptyAlerts(), as = home) => runAs(argv, state, { home: as });

/** A platform channel as the controller stores it. */
const platformChannel = (id: string, fields: Partial<AlertChannel> = {}): AlertChannel => ({
  id,
  app: null,
  type: "webhook",
  target: "https://ops.example.com/…",
  enabled: true,
  disabledReason: null,
  created: "2026-11-25T09:00:00.000Z",
  ...fields,
});

const ids = (state: AlertsState) => {
  const [errors, latency, crashes, deploys, memory] = state.rules.map((r) => r.id);
  const [slack, hook] = state.channels.map((c) => c.id);
  return { errors, latency, crashes, deploys, memory, slack, hook };
};

test("durations read as typed: a whole number and s, m, h or d, in seconds; back in the largest whole unit", (t) => {
  t.deepEqual(
    ["30s", "5m", "1h", "2d", "0s"].map((raw) => parseDuration(raw)),
    [30, 300, 3600, 172_800, 0],
  );
  t.deepEqual(
    ["5", "5min", "1.5h", "-1m", "1h30m", "05m", "m", ""].map((raw) => parseDuration(raw)),
    Array(8).fill(undefined),
  );
  t.is(parseDuration("30s", ["m", "h"]), undefined);
  t.deepEqual([300, 90, 7200, 86_400, 0].map(formatDuration), ["5m", "90s", "2h", "1d", "0s"]);
});

test("a time later the same UTC day reads as its clock time, another day's with its date", (t) => {
  const now = Date.parse("2026-11-25T13:05:00Z");
  t.is(clock("2026-11-25T14:05:00Z", now), "14:05 UTC");
  t.is(clock("2026-11-26T00:30:00Z", now), "2026-11-26 00:30 UTC");
});

test("alerts lists each rule's state and summary with its figure and silence below, then the channels", async (t) => {
  const result = await run(["alerts"]);
  t.is(result.code, 0, result.stderr);
  const id = ids(result.state);
  const until = clock(result.state.rules[2]?.silencedUntil ?? "", Date.now());
  t.deepEqual(result.lines, [
    "=== myapp Alert Rules",
    "ID        KIND           STATE     SUMMARY",
    `${id.errors}  errors         FIRING    5xx share above 5% over 5 m (at least 20 requests), for 2 m`,
    "                                   5xx 12% of 840 requests over 5 m",
    `${id.latency}  latency        pending   p95 above 800 ms over 5 m, for 5 m`,
    "                                   p95 910 ms over 5 m",
    `${id.crashes}  crashes        ok        3 or more crashes over 10 m`,
    `                                   0 crashes over 10 m · silenced until ${until}`,
    `${id.deploys}  deploy-failed  ok        every failed deploy`,
    `${id.memory}  memory         disabled  memory above 90% of the limit over 5 m, for 5 m`,
    "                                   memory 41% of the limit over 5 m",
    "",
    "=== myapp Alert Channels",
    "ID        TYPE     TARGET                     STATUS",
    `${id.slack}  slack    https://hooks.slack.com/…  enabled`,
    `${id.hook}  webhook  https://ops.example.com/…  disabled: its receiver answered 410 Gone`,
  ]);
  t.regex(until, /^(\d{4}-\d\d-\d\d )?\d\d:\d\d UTC$/);
  t.deepEqual(result.requests.map(([method, path]) => [method, path]).sort(), [
    ["GET", "/v2/apps/myapp/alerts"],
    ["GET", "/v2/apps/myapp/alerts/channels"],
  ]);
});

test("a firing rule is red and a pending one yellow on a terminal; piped output has no colour", async (t) => {
  const state = sampleAlerts("myapp");
  const tty = await run(["alerts"], state, { tty: true });
  t.true(tty.raw.stdout.includes("\u001b[31mFIRING\u001b[39m"), tty.raw.stdout);
  t.true(tty.raw.stdout.includes("\u001b[33mpending\u001b[39m"));
  t.true(tty.raw.stdout.includes("\u001b[31mdisabled: its receiver answered 410 Gone\u001b[39m"));
  const piped = await run(["alerts"], state);
  t.true(piped.stdout.includes("FIRING"));
  t.false(piped.raw.stdout.includes("\u001b"));
  // Colour changes nothing else: a rule with no notes gets no (dimmed, empty) line under it.
  t.deepEqual(tty.lines, piped.lines);
});

test("an app without rules or channels is told how to start, and which rules it then gets", async (t) => {
  const result = await run(["alerts"], emptyAlerts());
  t.is(result.code, 0, result.stderr);
  t.is(
    result.stdout,
    "myapp has no alert rules — add a channel with `berth alerts:channels:add --type slack --url https://hooks.slack.com/services/… -a myapp`; the app then gets the deploy-failed and crashes rules\n",
  );
});

test("rules without any channel are said to notify nobody", async (t) => {
  const state = { ...emptyAlerts(), rules: [rule("myapp", "errors")] };
  const result = await run(["alerts"], state);
  t.is(
    result.lines.at(-1),
    "none: these rules notify nobody — add a channel with `berth alerts:channels:add --type slack --url https://hooks.slack.com/services/… -a myapp`",
  );
});

test("--json prints what the controller answered: rules and channels, one rule, channels, history, deliveries", async (t) => {
  const state = sampleAlerts("myapp");
  const id = ids(state);
  t.deepEqual(JSON.parse((await run(["alerts", "--json"], state)).stdout), { rules: state.rules, channels: state.channels });
  t.deepEqual(JSON.parse((await run(["alerts:info", id.errors ?? "", "--json"], state)).stdout), state.rules[0]);
  t.deepEqual(JSON.parse((await run(["alerts:channels", "--json"], state)).stdout), state.channels);
  t.deepEqual(JSON.parse((await run(["alerts:history", "--json"], state)).stdout), state.history.myapp);
  t.deepEqual(JSON.parse((await run(["alerts:deliveries", "--json"], state)).stdout), state.deliveries);
});

test("alerts:add sends the durations in seconds and the other options as given, and prints the new rule", async (t) => {
  const state = emptyAlerts();
  const argv = ["alerts:add", "errors", "--threshold", "2.5", "--window", "10m", "--for", "90s", "--min-requests", "50"];
  const result = await run([...argv, "--channel", "c-1", "--channel", "c-2"], state);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.requests, [
    [
      "POST",
      "/v2/apps/myapp/alerts",
      { kind: "errors", threshold: 2.5, windowSeconds: 600, forSeconds: 90, minRequests: 50, channels: ["c-1", "c-2"] },
    ],
  ]);
  t.is(result.stdout, `added ${state.rules[0]?.id} (errors) to myapp: 5xx share above 2.5% over 10 m (at least 50 requests), for 90 s\n`);
});

test("alerts:add with no options leaves every default to the controller", async (t) => {
  const result = await run(["alerts:add", "rollback"], emptyAlerts());
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.requests, [["POST", "/v2/apps/myapp/alerts", { kind: "rollback" }]]);
});

test("an unknown kind is refused before any request, with the closest kind and every kind", async (t) => {
  const result = await run(["alerts:add", "erors"]);
  t.is(result.code, 2);
  t.is(
    result.stderr,
    'error: unknown alert kind "erors"\nhint: did you mean errors? the kinds are errors, latency, crashes, down, memory, deploy-failed, build-failed, rollback\n',
  );
  t.deepEqual(result.requests, []);
});

test("a duration that is not a whole number and s, m, h or d is refused before any request", async (t) => {
  for (const bad of ["5", "5min", "1.5h", "-1m", "1h30m", "0s"]) {
    const result = await run(["alerts:add", "latency", `--window=${bad}`]);
    t.is(result.code, 2, bad);
    t.is(
      result.stderr,
      `error: --window: "${bad}" is not a duration like 30s, 5m or 1h (more than 0)\nhint: a whole number and s, m, h or d, e.g. \`--window 5m --for 2m\`\n`,
    );
    t.deepEqual(result.requests, [], bad);
  }
  const update = await run(["alerts:update", "r-1", "--for", "2 minutes"]);
  t.is(update.stderr.split("\n")[0], 'error: --for: "2 minutes" is not a duration like 30s, 5m or 1h');
  const silence = await run(["alerts:silence", "r-1", "--for", "0s"]);
  t.is(silence.stderr.split("\n")[0], 'error: --for: "0s" is not a duration like 30s, 5m or 1h (more than 0)');
  const missing = await run(["alerts:silence", "r-1"]);
  t.is(missing.stderr, "error: alerts:silence needs --for\nhint: e.g. `berth alerts:silence r-3f9a1c --for 1h`\n");
  t.deepEqual([...update.requests, ...silence.requests, ...missing.requests], []);
});

test("a threshold or minimum that is not a number, or --enabled that is not true or false, is refused before any request", async (t) => {
  const threshold = await run(["alerts:add", "errors", "--threshold", "5%"]);
  t.is(threshold.stderr, 'error: --threshold: "5%" is not a number\nhint: e.g. --threshold 5\n');
  const minimum = await run(["alerts:update", "r-1", "--min-requests", "2.5"]);
  t.is(minimum.stderr, 'error: --min-requests: "2.5" is not a whole number\nhint: e.g. --min-requests 20\n');
  const enabled = await run(["alerts:update", "r-1", "--enabled", "yes"]);
  t.regex(enabled.stderr, /^error: --enabled: "yes" is not true or false\n/);
  t.deepEqual([threshold.code, minimum.code, enabled.code], [2, 2, 2]);
  t.deepEqual([...threshold.requests, ...minimum.requests, ...enabled.requests], []);
});

test("alerts:update sends only what was given; --all-channels sends no channels; nothing given is refused", async (t) => {
  const state = sampleAlerts("myapp");
  const id = ids(state).errors ?? "";
  const result = await run(["alerts:update", id, "--threshold", "10", "--for", "5m", "--enabled", "false"], state);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.requests, [["PATCH", `/v2/apps/myapp/alerts/${id}`, { threshold: 10, forSeconds: 300, enabled: false }]]);
  t.is(result.stdout, `updated ${id}: 5xx share above 10% over 5 m (at least 20 requests), for 5 m (disabled)\n`);
  const all = await run(["alerts:update", id, "--all-channels"], state);
  t.deepEqual(all.requests, [["PATCH", `/v2/apps/myapp/alerts/${id}`, { channels: [] }]]);
  const both = await run(["alerts:update", id, "--all-channels", "--channel", "c-1"], state);
  t.is(both.code, 2);
  const nothing = await run(["alerts:update", id], state);
  t.is(nothing.code, 2);
  t.is(
    nothing.stderr,
    "error: alerts:update: nothing to change\nhint: give --threshold, --window, --for, --min-requests, --channel, --all-channels or --enabled\n",
  );
  t.deepEqual([...both.requests, ...nothing.requests], []);
});

test("alerts:disable and alerts:enable switch the rule, and the list shows it disabled meanwhile", async (t) => {
  const state = sampleAlerts("myapp");
  const id = ids(state).latency ?? "";
  const disabled = await run(["alerts:disable", id], state);
  t.deepEqual(disabled.requests, [["PATCH", `/v2/apps/myapp/alerts/${id}`, { enabled: false }]]);
  t.is(disabled.stdout, `${id} is disabled: it notifies nobody until \`berth alerts:enable ${id} -a myapp\`\n`);
  t.regex((await run(["alerts"], state)).stdout, new RegExp(`\n${id} {2}latency {8}disabled {2}p95 above`));
  const enabled = await run(["alerts:enable", id], state);
  t.deepEqual(enabled.requests, [["PATCH", `/v2/apps/myapp/alerts/${id}`, { enabled: true }]]);
  t.is(enabled.stdout, `${id} is enabled: p95 above 800 ms over 5 m, for 5 m\n`);
});

test("alerts:silence --for 1h sends 3600 seconds and says until when; alerts:unsilence sends 0", async (t) => {
  const state = sampleAlerts("myapp");
  const id = ids(state).errors ?? "";
  const silenced = await run(["alerts:silence", id, "--for", "1h"], state);
  t.is(silenced.code, 0, silenced.stderr);
  t.deepEqual(silenced.requests, [["POST", `/v2/apps/myapp/alerts/${id}/silence`, { forSeconds: 3600 }]]);
  const until = clock(state.rules[0]?.silencedUntil ?? "", Date.now());
  t.is(silenced.stdout, `${id} is silenced until ${until}; \`berth alerts:unsilence ${id} -a myapp\` ends it sooner\n`);
  const lifted = await run(["alerts:unsilence", id], state);
  t.deepEqual(lifted.requests, [["POST", `/v2/apps/myapp/alerts/${id}/silence`, { forSeconds: 0 }]]);
  t.is(lifted.stdout, `${id} notifies again\n`);
  t.is(state.rules[0]?.silencedUntil, null);
});

test("alerts:remove deletes the rule; an unknown rule shows the controller's message and hint", async (t) => {
  const state = sampleAlerts("myapp");
  const id = ids(state).deploys ?? "";
  const removed = await run(["alerts:remove", id], state);
  t.deepEqual(removed.requests, [["DELETE", `/v2/apps/myapp/alerts/${id}`, undefined]]);
  t.is(removed.stdout, `removed alert rule ${id} from myapp\n`);
  t.false(state.rules.some((r) => r.id === id));
  const missing = await run(["alerts:remove", id], state);
  t.is(missing.code, 1);
  t.is(missing.stderr, `error: alert rule ${id} not found\nhint: \`berth alerts\` lists them\n`);
});

test("alerts:info shows everything about one rule, naming the channels it notifies", async (t) => {
  const state = sampleAlerts("myapp");
  const id = ids(state);
  Object.assign(state.rules[0] ?? {}, { channels: [id.slack, "c-gone"], stateSince: "2026-11-25T13:52:00Z" });
  const result = await run(["alerts:info", id.errors ?? ""], state);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.lines, [
    `=== myapp Alert Rule ${id.errors}`,
    "kind:          errors",
    "summary:       5xx share above 5% over 5 m (at least 20 requests), for 2 m",
    "state:         FIRING since 2026-11-25 13:52 UTC",
    "figure:        5xx 12% of 840 requests over 5 m",
    "threshold:     5",
    "window:        5m",
    "for:           2m",
    "min requests:  20",
    `channels:      ${id.slack} (slack https://hooks.slack.com/…), c-gone (removed)`,
    "enabled:       yes",
    "silenced:      no",
    "created:       2026-11-25 09:00 UTC",
  ]);
});

test("alerts:history lists the changes oldest first, so the newest is last", async (t) => {
  const state = sampleAlerts("myapp", Date.parse("2026-11-25T14:00:00Z"));
  const id = ids(state);
  const result = await run(["alerts:history"], state);
  t.deepEqual(result.lines, [
    "=== myapp Alert History",
    "TIME                  RULE      KIND     CHANGE    FIGURE",
    `2026-11-25 12:25 UTC  ${id.errors}  errors   resolved  5xx 0.4% of 1,204 requests over 5 m`,
    `2026-11-25 13:52 UTC  ${id.errors}  errors   pending   5xx 7.1% of 512 requests over 5 m`,
    `2026-11-25 13:54 UTC  ${id.errors}  errors   firing    5xx 12% of 840 requests over 5 m`,
    `2026-11-25 13:59 UTC  ${id.latency}  latency  pending   p95 910 ms over 5 m`,
  ]);
  t.is((await run(["alerts:history"], emptyAlerts())).stdout.split(":")[0], "no alert history for myapp yet");
});

test("the first channel prints a webhook's signing secret once, with the note, and the default rules the app got", async (t) => {
  const state = emptyAlerts();
  const result = await run(["alerts:channels:add", "--type", "webhook", "--url", "https://ops.example.com/berth?token=x"], state);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.requests, [
    ["POST", "/v2/apps/myapp/alerts/channels", { type: "webhook", url: "https://ops.example.com/berth?token=x" }],
  ]);
  const [channel] = state.channels;
  const [deploys, crashes] = state.rules;
  t.is(
    result.stdout,
    [
      `added webhook channel ${channel?.id} to myapp: https://ops.example.com/…`,
      "",
      "signing secret: whsec_MfKQ9r8GKYqrTFvJEw6ZzDVqCNl4dCxS",
      "shown once: store it now; it signs every delivery (Standard Webhooks)",
      "",
      "myapp got these rules with its first channel (`berth alerts` lists them):",
      `  ${deploys?.id}  deploy-failed  every failed deploy`,
      `  ${crashes?.id}  crashes        3 or more crashes over 10 m`,
      "",
      `send a test with \`berth alerts:test ${channel?.id} -a myapp\``,
      "",
    ].join("\n"),
  );
  t.is(result.stdout.split("whsec_").length, 2);
  const second = await run(["alerts:channels:add", "--type", "slack", "--url", "https://hooks.slack.com/services/T0/B0/XX"], state);
  t.is(second.lines[0], `added slack channel ${state.channels[1]?.id} to myapp: https://hooks.slack.com/…`);
  t.false(second.stdout.includes("secret"));
  t.false(second.stdout.includes("rules"));
});

test("alerts:channels:add --json gives the secret to a script", async (t) => {
  const result = await run(["alerts:channels:add", "--type", "webhook", "--url", "https://ops.example.com/", "--json"], emptyAlerts());
  const created = JSON.parse(result.stdout) as { secret: string; defaultRules: unknown[] };
  t.is(created.secret, "whsec_MfKQ9r8GKYqrTFvJEw6ZzDVqCNl4dCxS");
  t.is(created.defaultRules.length, 2);
});

test("alerts:channels:add refuses a missing option, an unknown type or a URL that is not http(s) before any request", async (t) => {
  const missing = await run(["alerts:channels:add", "--type", "slack"]);
  t.is(missing.stderr.split("\n")[0], "error: alerts:channels:add needs --type and --url");
  const type = await run(["alerts:channels:add", "--type", "email", "--url", "https://x.example/"]);
  t.is(type.stderr, 'error: --type: "email" is not webhook, slack\nhint: e.g. --type webhook\n');
  const url = await run(["alerts:channels:add", "--type", "slack", "--url", "hooks.slack.com/services/T0"]);
  t.is(url.stderr.split("\n")[0], 'error: --url: "hooks.slack.com/services/T0" is not an http(s) URL');
  t.deepEqual([missing.code, type.code, url.code], [2, 2, 2]);
  t.deepEqual([...missing.requests, ...type.requests, ...url.requests], []);
});

test("alerts:test says sent, with the receiver's status and time, only when it answered 2xx", async (t) => {
  const state = sampleAlerts("myapp");
  const result = await run(["alerts:test", ids(state).slack ?? ""], state);
  t.is(result.code, 0, result.stderr);
  t.is(result.stdout, "sent: https://hooks.slack.com/… answered 200 in 38 ms\n");
  t.true(result.requests.some(([method, path]) => method === "POST" && path === `/v2/apps/myapp/alerts/channels/${ids(state).slack}/test`));
});

test("alerts:test exits with 1 showing the receiver's status and answer, or why none came", async (t) => {
  const state = sampleAlerts("myapp");
  const { slack, hook } = ids(state);
  state.tests[hook ?? ""] = { ok: false, status: 500, durationMs: 120, error: null, response: "upstream\n  down" };
  state.tests[slack ?? ""] = { ok: false, status: null, durationMs: 15_000, error: "no answer within 15 s", response: "" };
  const refused = await run(["alerts:test", hook ?? ""], state);
  t.is(refused.code, 1);
  t.is(refused.stdout, "");
  t.is(
    refused.stderr,
    'error: test to https://ops.example.com/… failed: answered 500 in 120 ms: "upstream down"\nhint: the receiver must answer the POST with a 2xx within 15 s\n',
  );
  const silent = await run(["alerts:test", slack ?? ""], state);
  t.is(silent.code, 1);
  t.is(
    silent.stderr,
    "error: test to https://hooks.slack.com/… failed: no answer within 15 s\nhint: the controller must reach the URL and get an answer within 15 s\n",
  );
});

test("alerts:channels:add --platform adds a channel every app's notifications reach, its secret shown once, with no rules", async (t) => {
  const state = emptyAlerts();
  // No -a, and no git remote in the home it runs in: the command asks for no app.
  const result = await platform(
    ["alerts:channels:add", "--platform", "--type", "webhook", "--url", "https://ops.example.com/berth"],
    state,
  );
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.requests, [["POST", "/v2/alerts/channels", { type: "webhook", url: "https://ops.example.com/berth" }]]);
  const [channel] = state.channels;
  t.is(channel?.app, null);
  t.deepEqual(state.rules, []);
  t.is(
    result.stdout,
    [
      `added webhook channel ${channel?.id} to the platform: https://ops.example.com/… — every app's notifications reach it`,
      "",
      "signing secret: whsec_MfKQ9r8GKYqrTFvJEw6ZzDVqCNl4dCxS",
      "shown once: store it now; it signs every delivery (Standard Webhooks)",
      "",
      `send a test with \`berth alerts:test --platform ${channel?.id}\``,
      "",
    ].join("\n"),
  );
  t.is(result.stdout.split("whsec_").length, 2);
  const slack = await platform(
    ["alerts:channels:add", "--platform", "--type", "slack", "--url", "https://hooks.slack.com/services/T0/B0/XX"],
    state,
  );
  t.is(
    slack.lines[0],
    `added slack channel ${state.channels[1]?.id} to the platform: https://hooks.slack.com/… — every app's notifications reach it`,
  );
  t.false(slack.stdout.includes("secret"));
  const json = await platform(
    ["alerts:channels:add", "--platform", "--type", "webhook", "--url", "https://ops.example.com/", "--json"],
    state,
  );
  t.is((JSON.parse(json.stdout) as { secret: string }).secret, "whsec_MfKQ9r8GKYqrTFvJEw6ZzDVqCNl4dCxS");
});

test("alerts:channels --platform lists the platform's channels under their own heading, and none of an app's", async (t) => {
  const state = sampleAlerts("myapp");
  state.channels.push(platformChannel("c-0p1a7f"), platformChannel("c-0p2b8e", { type: "slack", target: "https://hooks.slack.com/…" }));
  const result = await platform(["alerts:channels", "--platform"], state);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.requests, [["GET", "/v2/alerts/channels", undefined]]);
  t.deepEqual(result.lines, [
    "=== Platform Alert Channels",
    "ID        TYPE     TARGET                     STATUS",
    "c-0p1a7f  webhook  https://ops.example.com/…  enabled",
    "c-0p2b8e  slack    https://hooks.slack.com/…  enabled",
  ]);
  t.deepEqual(JSON.parse((await platform(["alerts:channels", "--platform", "--json"], state)).stdout), state.channels.slice(2));
  const none = await platform(["alerts:channels", "--platform"], sampleAlerts("myapp"));
  t.is(none.stdout, "the platform has no alert channels: add one with `berth alerts:channels:add --platform --type slack --url …`\n");
});

test("alerts:test --platform and alerts:channels:remove --platform act on a platform channel, not an app's", async (t) => {
  const state = sampleAlerts("myapp");
  state.channels.push(platformChannel("c-0p1a7f"));
  const tested = await platform(["alerts:test", "--platform", "c-0p1a7f"], state);
  t.is(tested.code, 0, tested.stderr);
  t.is(tested.stdout, "sent: https://ops.example.com/… answered 200 in 38 ms\n");
  t.deepEqual(tested.requests.map(([method, path]) => [method, path]).sort(), [
    ["GET", "/v2/alerts/channels"],
    ["POST", "/v2/alerts/channels/c-0p1a7f/test"],
  ]);
  state.tests["c-0p1a7f"] = { ok: false, status: 404, durationMs: 51, error: null, response: "no such hook" };
  const failed = await platform(["alerts:test", "--platform", "c-0p1a7f"], state);
  t.is(failed.code, 1);
  t.is(
    failed.stderr,
    'error: test to https://ops.example.com/… failed: answered 404 in 51 ms: "no such hook"\nhint: check the URL (a 410 Gone also disables the channel)\n',
  );
  // An app's channel is no platform channel.
  const appChannel = await platform(["alerts:channels:remove", "--platform", ids(state).slack ?? ""], state);
  t.is(appChannel.code, 1);
  t.is(state.channels.length, 3);
  const removed = await platform(["alerts:channels:remove", "--platform", "c-0p1a7f"], state);
  t.is(removed.code, 0, removed.stderr);
  t.deepEqual(removed.requests, [["DELETE", "/v2/alerts/channels/c-0p1a7f", undefined]]);
  t.is(removed.stdout, "removed channel c-0p1a7f from the platform\n");
  t.deepEqual(
    state.channels.map((c) => c.app),
    ["myapp", "myapp"],
  );
});

test("--platform with -a is a usage error, before any request", async (t) => {
  const state = sampleAlerts("myapp");
  state.channels.push(platformChannel("c-0p1a7f"));
  for (const argv of [
    ["alerts:channels", "--platform"],
    ["alerts:channels:add", "--platform", "--type", "slack", "--url", "https://hooks.slack.com/services/T0/B0/XX"],
    ["alerts:channels:remove", "--platform", "c-0p1a7f"],
    ["alerts:test", "--platform", "c-0p1a7f"],
  ]) {
    const result = await platform([...argv, "-a", "x"], state);
    t.is(result.code, 2, argv[0]);
    t.is(
      result.stderr,
      "error: --platform and -a/--app do not go together\nhint: a platform channel is no app's: every app's notifications reach it; drop one of them\n",
      argv[0],
    );
    t.deepEqual(result.requests, [], argv[0]);
  }
  t.is(state.channels.length, 3);
});

test("someone who is not an administrator is refused the platform's channels, with what else there is", async (t) => {
  const state = emptyAlerts();
  state.channels.push(platformChannel("c-0p1a7f"));
  for (const argv of [
    ["alerts:channels", "--platform"],
    ["alerts:channels:add", "--platform", "--type", "slack", "--url", "https://hooks.slack.com/services/T0/B0/XX"],
    ["alerts:channels:remove", "--platform", "c-0p1a7f"],
  ]) {
    const result = await platform(argv, state, bobHome);
    t.is(result.code, 1, argv[0]);
    t.is(
      result.stderr,
      "error: only administrators may do this\nhint: platform channels are an administrator's; an app's own are `berth alerts:channels -a <app>`\n",
      argv[0],
    );
  }
  t.deepEqual(
    state.channels.map((c) => c.id),
    ["c-0p1a7f"],
  );
});

test("alerts:deliveries shows each one's status, attempts, next attempt and last answer, its title below", async (t) => {
  const state = sampleAlerts("myapp");
  const { slack, hook } = ids(state);
  const [pending, delivered, failed] = state.deliveries.map((d) => d.id);
  const result = await run(["alerts:deliveries"], state);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.lines, [
    "=== myapp Alert Deliveries",
    "ID        CREATED  CHANNEL   KIND    STATUS     TRIES  NEXT   LAST ANSWER",
    `${failed}  1d ago   ${hook}  event   failed     10     -      connection refused by 203.0.113.7:443`,
    "          myapp: deploy of v7 failed",
    `${pending}  6m ago   ${hook}  firing  pending    3      in 4m  503 in 2.1 s`,
    "          myapp: errors firing — 5xx 12% of 840 requests over 5 m",
    `${delivered}  6m ago   ${slack}  firing  delivered  1      -      200 in 212 ms`,
    "          myapp: errors firing — 5xx 12% of 840 requests over 5 m",
  ]);
  const filtered = await run(["alerts:deliveries", "--status", "failed"], state);
  t.deepEqual(
    filtered.requests.map(([, path]) => path),
    ["/v2/apps/myapp/alerts/deliveries?status=failed"],
  );
  t.is(filtered.lines.length, 4);
  const bad = await run(["alerts:deliveries", "--status", "lost"], state);
  t.is(bad.code, 2);
  t.is(bad.stderr, 'error: --status: "lost" is not pending, delivered, failed\nhint: e.g. --status pending\n');
  t.deepEqual(bad.requests, []);
});

test("alerts:redeliver sends a delivery again and says it is queued", async (t) => {
  const state = sampleAlerts("myapp");
  const failed = state.deliveries[2];
  const result = await run(["alerts:redeliver", failed?.id ?? ""], state);
  t.is(result.code, 0, result.stderr);
  t.deepEqual(result.requests, [["POST", `/v2/apps/myapp/alerts/deliveries/${failed?.id}/redeliver`, undefined]]);
  t.is(result.stdout, `${failed?.id} is queued for ${failed?.channel}; \`berth alerts:deliveries -a myapp\` shows how it goes\n`);
});

test("help lists every alerts command in its own group, and each one's help has examples", async (t) => {
  const overview = await berth(["help"], { home });
  const group = /\nalerts\n((?: {2}.+\n)+)/.exec(overview.stdout)?.[1] ?? "";
  const names = [...group.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]);
  t.deepEqual(names, [
    "alerts:list",
    "alerts:info",
    "alerts:add",
    "alerts:update",
    "alerts:remove",
    "alerts:enable",
    "alerts:disable",
    "alerts:silence",
    "alerts:unsilence",
    "alerts:history",
    "alerts:channels",
    "alerts:channels:add",
    "alerts:channels:remove",
    "alerts:test",
    "alerts:deliveries",
    "alerts:redeliver",
  ]);
  for (const name of names) {
    const help = await berth([name ?? "", "--help"], { home });
    t.regex(help.stdout, /\nExamples:\n {2}# .+\n {2}berth alerts/, name);
  }
  const add = await berth(["alerts:add", "--help"], { home });
  t.regex(add.stdout, /\n {6}--window <duration> +over how long the figure is taken: 30s, 5m, 1h/);
  t.true(add.stdout.includes("\n  berth alerts:add errors --threshold 5 --window 5m --for 2m --min-requests 20\n"));
  t.regex((await berth(["alerts", "--help"], { home })).stdout, /^Usage: berth alerts:list \[options\]\n[\s\S]*\nAliases: alerts\n/);
});

test("the channel commands' help tells of --platform, with an example of it", async (t) => {
  for (const name of ["alerts:channels", "alerts:channels:add", "alerts:channels:remove", "alerts:test"]) {
    const help = await berth([name, "--help"], { home });
    t.regex(help.stdout, /\n {6}--platform {2,}\S.*\(administrators only; no -a\)\n/, name);
    t.regex(help.stdout, new RegExp(`\n {2}berth ${name} --platform( .*)?\n`), name);
  }
  const add = await berth(["alerts:channels:add", "--help"], { home });
  t.true(add.stdout.includes("\n  berth alerts:channels:add --platform --type slack --url https://hooks.slack.com/services/T0/B0/XX\n"));
  t.true(add.stdout.includes("every app's notifications reach it"));
});

/** A receiver on 127.0.0.1 answering every POST 200 `ok`, keeping what it got. */
async function receiver() {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/berth`, got, close: () => new Promise((resolve) => server.close(resolve)) };
}

test("against the real controller: an administrator adds, tests and removes a platform channel; anyone else gets 403", async (t) => {
  const hook = await receiver();
  // The receiver is on a loopback address, which only these alert settings allow.
  const real = await startController({ alerts: { tickMs: 1000, allowPrivate: true } });
  try {
    const admin = await loggedIn(real.url);
    const bob = await loggedIn(real.url, "bob");
    const added = await berth(["alerts:channels:add", "--platform", "--type", "webhook", "--url", hook.url], { home: admin });
    t.is(added.code, 0, added.stderr);
    const target = `${new URL(hook.url).origin}/…`;
    const [, id] = /^added webhook channel (\S+) to the platform: /.exec(added.stdout) ?? [];
    t.truthy(id, added.stdout);
    t.true(added.stdout.startsWith(`added webhook channel ${id} to the platform: ${target} — every app's notifications reach it\n`));
    const secret = /\nsigning secret: (whsec_\S+)\n/.exec(added.stdout)?.[1] ?? "";
    t.is(added.stdout.split("whsec_").length, 2);
    t.true(added.stdout.endsWith(`\nsend a test with \`berth alerts:test --platform ${id}\`\n`));

    const listed = await berth(["alerts:channels", "--platform"], { home: admin });
    t.is(listed.code, 0, listed.stderr);
    t.deepEqual(listed.stdout.trimEnd().split("\n").slice(0, 1), ["=== Platform Alert Channels"]);
    t.regex(listed.stdout, new RegExp(`\n${id} +webhook +${target.replace(/[.]/g, "\\.")} +enabled\n`));

    const tested = await berth(["alerts:test", "--platform", id ?? ""], { home: admin });
    t.is(tested.code, 0, tested.stderr);
    t.regex(tested.stdout, new RegExp(`^sent: ${target.replace(/[.]/g, "\\.")} answered 200 in [0-9.<]+ m?s\n$`));
    t.is(hook.got.length, 1);
    // Signed with the secret printed once (Standard Webhooks: HMAC-SHA256 of "id.timestamp.body").
    const [{ headers, body } = { headers: {}, body: "" }] = hook.got;
    const signed = `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`;
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    t.is(headers["webhook-signature"], `v1,${createHmac("sha256", key).update(signed).digest("base64")}`);

    for (const argv of [
      ["alerts:channels", "--platform"],
      ["alerts:test", "--platform", id ?? ""],
      ["alerts:channels:add", "--platform", "--type", "slack", "--url", hook.url],
      ["alerts:channels:remove", "--platform", id ?? ""],
    ]) {
      const refused = await berth(argv, { home: bob });
      t.is(refused.code, 1, argv[0]);
      t.is(
        refused.stderr,
        "error: only administrators may do this\nhint: platform channels are an administrator's; an app's own are `berth alerts:channels -a <app>`\n",
        argv[0],
      );
    }
    t.is(hook.got.length, 1);

    const removed = await berth(["alerts:channels:remove", "--platform", id ?? ""], { home: admin });
    t.is(removed.stdout, `removed channel ${id} from the platform\n`, removed.stderr);
    t.is(
      (await berth(["alerts:channels", "--platform"], { home: admin })).stdout,
      "the platform has no alert channels: add one with `berth alerts:channels:add --platform --type slack --url …`\n",
    );
  } finally {
    await real.close();
    await hook.close();
  }
});
