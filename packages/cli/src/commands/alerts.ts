import type { AlertChannel, AlertRule } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption, limitOption } from "../command.ts";
import type { Context } from "../context.ts";
import { UsageError } from "../errors.ts";
import { noteTruncated, pageOf } from "../paging.ts";
import { channelsView, clock, historyView, ruleFields, rulesView } from "../alerts-view.ts";
import { alertKind, durationFlag, enabledFlag, ruleChange, ruleOptions } from "./alert-flags.ts";

/** The rules, then the channels; when either is missing, what to do about it. */
function printOverview(ctx: Context, app: string, rules: AlertRule[], channels: AlertChannel[]): void {
  const add = `\`berth alerts:channels:add --type slack --url https://hooks.slack.com/services/… -a ${app}\``;
  if (rules.length === 0 && channels.length === 0) {
    ctx.out.line(`${app} has no alert rules — add a channel with ${add}; the app then gets the deploy-failed and crashes rules`);
    return;
  }
  ctx.out.heading(`${app} Alert Rules`);
  if (rules.length === 0) ctx.out.line(`none: add one with \`berth alerts:add errors --threshold 5 -a ${app}\``);
  else for (const line of rulesView(ctx.out, rules, Date.now())) ctx.out.line(line);
  ctx.out.line();
  ctx.out.heading(`${app} Alert Channels`);
  if (channels.length === 0) ctx.out.line(`none: these rules notify nobody — add a channel with ${add}`);
  else for (const line of channelsView(ctx.out, channels)) ctx.out.line(line);
}

const list = defineCommand({
  name: "alerts:list",
  group: "alerts",
  aliases: ["alerts"],
  summary: "show the app's alert rules (firing, pending or ok) and their channels",
  description: [
    "A metric rule is pending while its condition holds for less than its --for, then FIRING until it",
    "clears (a resolved notification follows); event rules (deploy-failed, build-failed, rollback) notify once per",
    "event and stay ok. Under each rule: its figure at the last evaluation, and any silence. --json",
    "prints {rules, channels} as the controller sends them.",
  ].join("\n"),
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth alerts -a myapp", "what watches myapp, and what is firing now"],
    ["berth alerts --json | jq '.rules[] | select(.state == \"firing\")'", "the firing rules, for a script"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const [rules, channels] = await Promise.all([session.client.alerts.list(app), session.client.alerts.channels.list(app)]);
    if (flags.json) return ctx.out.json({ rules: rules.results, channels: channels.results });
    printOverview(ctx, app, rules.results, channels.results);
  },
});

const info = defineCommand({
  name: "alerts:info",
  summary: "show everything about one alert rule",
  usage: "<rule>",
  options: { ...appOption, ...jsonOption },
  args: { min: 1, max: 1 },
  examples: [["berth alerts:info r-3f9a1c -a myapp", "its condition, state, figure, channels and silence"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const id = args[0] ?? "";
    const [rule, channels] = await Promise.all([session.client.alerts.get(app, id), session.client.alerts.channels.list(app)]);
    if (flags.json) return ctx.out.json(rule);
    ctx.out.heading(`${app} Alert Rule ${rule.id}`);
    ctx.out.fields(ruleFields(ctx.out, rule, channels.results, Date.now()));
  },
});

const add = defineCommand({
  name: "alerts:add",
  summary: "add an alert rule: errors, latency, crashes, down, memory or an event",
  usage: "<kind>",
  description: [
    "Kinds: errors (5xx share in %), latency (p95 in ms), crashes (count), down (no ready web instance),",
    "memory (% of the limit); deploy-failed, build-failed and rollback notify once per event (rollback --threshold 1:",
    "automatic ones only). Options left out take the kind's defaults. Durations are a whole number and",
    "s, m, h or d: 30s, 5m, 1h. --min-requests keeps a quiet app from firing on one failed request of two.",
  ].join("\n"),
  options: { ...appOption, ...ruleOptions },
  args: { min: 1, max: 1 },
  examples: [
    ["berth alerts:add errors --threshold 5 --window 5m --for 2m --min-requests 20", "more than 5% 5xx over 5 minutes, for 2"],
    ["berth alerts:add latency --threshold 800 --channel c-9d2e11 -a myapp", "p95 above 800 ms, to one channel only"],
    ["berth alerts:add rollback --threshold 1", "tell me when Berth rolls a release back by itself"],
  ],
  async run({ args, flags }, ctx) {
    const kind = alertKind(args[0] ?? "");
    const change = ruleChange(flags);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const rule = await session.client.alerts.add(app, { kind, ...change });
    ctx.out.line(`added ${rule.id} (${rule.kind}) to ${app}: ${rule.summary}`);
  },
});

const update = defineCommand({
  name: "alerts:update",
  summary: "change an alert rule's threshold, durations, channels or enabled",
  usage: "<rule>",
  description: "Only the options given change. --channel replaces the rule's channels; --all-channels goes back to every one.",
  options: {
    ...appOption,
    ...ruleOptions,
    "all-channels": { type: "boolean", description: "notify every channel of the app (undoes --channel)" },
    enabled: { type: "string", description: "true or false: whether the rule is evaluated at all", placeholder: "true|false" },
  },
  args: { min: 1, max: 1 },
  examples: [
    ["berth alerts:update r-3f9a1c --threshold 10 --for 5m", "fire above 10%, and only after 5 minutes"],
    ["berth alerts:update r-3f9a1c --all-channels -a myapp", "notify every channel again"],
  ],
  async run({ args, flags }, ctx) {
    const change = ruleChange(flags);
    if (flags["all-channels"] === true) {
      if (change.channels !== undefined) throw new UsageError("--channel and --all-channels contradict each other", "give one of them");
      change.channels = [];
    }
    const enabled = flags.enabled === undefined ? {} : { enabled: enabledFlag(flags.enabled) };
    if (Object.keys(change).length === 0 && enabled.enabled === undefined) {
      throw new UsageError(
        "alerts:update: nothing to change",
        "give --threshold, --window, --for, --min-requests, --channel, --all-channels or --enabled",
      );
    }
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const rule = await session.client.alerts.update(app, args[0] ?? "", { ...change, ...enabled });
    ctx.out.line(`updated ${rule.id}: ${rule.summary}${rule.enabled ? "" : " (disabled)"}`);
  },
});

function toggle(enabled: boolean) {
  const verb = enabled ? "enable" : "disable";
  return defineCommand({
    name: `alerts:${verb}`,
    summary: enabled ? "evaluate an alert rule again and let it notify" : "stop evaluating an alert rule (it is kept)",
    usage: "<rule>",
    options: { ...appOption },
    args: { min: 1, max: 1 },
    examples: [[`berth alerts:${verb} r-3f9a1c -a myapp`, enabled ? "watch again" : "stop watching until alerts:enable"]],
    async run({ args, flags }, ctx) {
      const session = await ctx.session();
      const app = await ctx.app(flags.app, session);
      const rule = await session.client.alerts.update(app, args[0] ?? "", { enabled });
      ctx.out.line(
        enabled
          ? `${rule.id} is enabled: ${rule.summary}`
          : `${rule.id} is disabled: it notifies nobody until \`berth alerts:enable ${rule.id} -a ${app}\``,
      );
    },
  });
}

const silence = defineCommand({
  name: "alerts:silence",
  summary: "mute an alert rule's notifications for a while (it is still evaluated)",
  usage: "<rule>",
  options: {
    ...appOption,
    for: { type: "string", description: "how long: 30m, 1h, 1d (needed)", placeholder: "duration" },
  },
  args: { min: 1, max: 1 },
  examples: [
    ["berth alerts:silence r-3f9a1c --for 1h -a myapp", "quiet for an hour while you fix it"],
    ["berth alerts:unsilence r-3f9a1c", "end the silence early"],
  ],
  async run({ args, flags }, ctx) {
    if (flags.for === undefined) throw new UsageError("alerts:silence needs --for", "e.g. `berth alerts:silence r-3f9a1c --for 1h`");
    const seconds = durationFlag("for", flags.for, 1);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const rule = await session.client.alerts.silence(app, args[0] ?? "", seconds);
    const until = rule.silencedUntil === null ? "" : ` until ${clock(rule.silencedUntil, Date.now())}`;
    ctx.out.line(`${rule.id} is silenced${until}; \`berth alerts:unsilence ${rule.id} -a ${app}\` ends it sooner`);
  },
});

const unsilence = defineCommand({
  name: "alerts:unsilence",
  summary: "end an alert rule's silence: it notifies again",
  usage: "<rule>",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [["berth alerts:unsilence r-3f9a1c -a myapp", "notifications from r-3f9a1c resume"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const rule = await session.client.alerts.silence(app, args[0] ?? "", 0);
    ctx.out.line(`${rule.id} notifies again`);
  },
});

const remove = defineCommand({
  name: "alerts:remove",
  summary: "delete an alert rule",
  usage: "<rule>",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [["berth alerts:remove r-3f9a1c -a myapp", "r-3f9a1c stops watching myapp (alerts:disable keeps it)"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const id = args[0] ?? "";
    await session.client.alerts.remove(app, id);
    ctx.out.line(`removed alert rule ${id} from ${app}`);
  },
});

const history = defineCommand({
  name: "alerts:history",
  summary: "list when the rules went pending, fired and resolved, and their events",
  options: { ...appOption, ...jsonOption, ...limitOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth alerts:history -a myapp", "the latest changes, newest last"],
    ["berth alerts:history --json | jq 'map(select(.change == \"firing\"))'", "only the firings, for a script"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const page = await session.client.alerts.history(app, pageOf(flags.limit));
    if (flags.json) return ctx.out.json(page.results);
    if (page.results.length === 0) {
      ctx.out.line(`no alert history for ${app} yet: a line appears here when a rule goes pending, fires or resolves`);
      return;
    }
    ctx.out.heading(`${app} Alert History`);
    for (const line of historyView(ctx.out, page.results)) ctx.out.line(line);
    noteTruncated(ctx.err, page, "changes");
  },
});

export const commands: Command[] = [list, info, add, update, remove, toggle(true), toggle(false), silence, unsilence, history];
