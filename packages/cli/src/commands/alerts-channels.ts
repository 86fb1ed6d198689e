import {
  type AlertChannel,
  ApiError,
  type ChannelTestResult,
  type ChannelType,
  type CreateChannelRequest,
  type CreatedChannel,
  type DeliveryStatus,
  type Page,
} from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption, limitOption, type OptionSpecs } from "../command.ts";
import type { Context } from "../context.ts";
import { CliError, UsageError } from "../errors.ts";
import { noteTruncated, pageOf } from "../paging.ts";
import { channelsView, deliveriesView, lastAttempt, testAnswer } from "../alerts-view.ts";

const CHANNEL_TYPES = ["webhook", "slack"] as const satisfies readonly ChannelType[];
const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const satisfies readonly DeliveryStatus[];

function oneOf<T extends string>(flag: string, raw: string, values: readonly T[]): T {
  const value = values.find((v) => v === raw);
  if (value === undefined) throw new UsageError(`--${flag}: "${raw}" is not ${values.join(", ")}`, `e.g. --${flag} ${values[0]}`);
  return value;
}

function httpUrl(raw: string): string {
  const protocol = URL.canParse(raw) ? new URL(raw).protocol : "";
  if (protocol !== "https:" && protocol !== "http:") {
    throw new UsageError(`--url: "${raw}" is not an http(s) URL`, "e.g. --url https://hooks.slack.com/services/T000/B000/XXXX");
  }
  return raw;
}

const platformOption = (description: string) =>
  ({ platform: { type: "boolean", description: `${description} (administrators only; no -a)` } }) as const satisfies OptionSpecs;

/** The channels a command acts on: an app's (`-a`, else the git remote's) or, with --platform, the platform's. */
interface Channels {
  /** Whether they are the platform's (--platform). */
  platform: boolean;
  /** How the output names their owner: `myapp`, `the platform`. */
  owner: string;
  /** The listing's heading: `myapp Alert Channels`, `Platform Alert Channels`. */
  heading: string;
  /** A command line for them again: `berth <name> <args> -a myapp`, `berth <name> --platform <args>`. */
  command(name: string, args: string): string;
  list(): Promise<Page<AlertChannel>>;
  add(channel: CreateChannelRequest): Promise<CreatedChannel>;
  remove(id: string): Promise<void>;
  test(id: string): Promise<ChannelTestResult>;
}

/** A controller's 403 to someone who is not an administrator comes without a hint: say what else there is. */
function notAdmin(error: unknown): never {
  if (error instanceof ApiError && error.code === "FORBIDDEN" && error.hint === undefined) {
    throw new CliError(error.message, "platform channels are an administrator's; an app's own are `berth alerts:channels -a <app>`", {
      cause: error,
    });
  }
  throw error;
}

/** Refuses --platform with -a before anything else (no request); with --platform, asks for no app. */
async function channelsOf(flags: { app?: string; platform?: boolean }, ctx: Context): Promise<Channels> {
  if (flags.platform === true && flags.app !== undefined) {
    throw new UsageError(
      "--platform and -a/--app do not go together",
      "a platform channel is no app's: every app's notifications reach it; drop one of them",
    );
  }
  const session = await ctx.session();
  if (flags.platform === true) {
    const platform = session.client.alerts.platform;
    return {
      platform: true,
      owner: "the platform",
      heading: "Platform Alert Channels",
      command: (name, args) => `berth ${name} --platform ${args}`,
      list: () => platform.list().catch(notAdmin),
      add: (channel) => platform.add(channel).catch(notAdmin),
      remove: (id) => platform.remove(id).catch(notAdmin),
      test: (id) => platform.test(id).catch(notAdmin),
    };
  }
  const app = await ctx.app(flags.app, session);
  const channels = session.client.alerts.channels;
  return {
    platform: false,
    owner: app,
    heading: `${app} Alert Channels`,
    command: (name, args) => `berth ${name} ${args} -a ${app}`,
    list: () => channels.list(app),
    add: (channel) => channels.add(app, channel),
    remove: (id) => channels.remove(app, id),
    test: (id) => channels.test(app, id),
  };
}

const list = defineCommand({
  name: "alerts:channels",
  summary: "list where the app's alerts are sent: webhooks and Slack (--platform: every app's)",
  description: [
    "A channel the receiver disabled (410 Gone) or that failed for too long says why; add it again to resume.",
    "With --platform, the platform's channels, which an administrator adds: every app's notifications reach",
    "them besides the app's own channels.",
  ].join("\n"),
  options: { ...appOption, ...platformOption("the platform's channels, which every app's notifications reach"), ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth alerts:channels -a myapp", "myapp's channels and whether they are enabled"],
    ["berth alerts:channels --json", "as JSON, for a script"],
    ["berth alerts:channels --platform", "the channels every app's notifications reach"],
  ],
  async run({ flags }, ctx) {
    const channels = await channelsOf(flags, ctx);
    const page = await channels.list();
    if (flags.json) return ctx.out.json(page.results);
    if (page.results.length === 0) {
      ctx.out.line(
        `${channels.owner} has no alert channels: add one with \`${channels.command("alerts:channels:add", "--type slack --url …")}\``,
      );
      return;
    }
    ctx.out.heading(channels.heading);
    for (const line of channelsView(ctx.out, page.results)) ctx.out.line(line);
  },
});

/** The secret once, and the rules a first channel brought. */
function printCreated(ctx: Context, channels: Channels, channel: CreatedChannel): void {
  const reach = channels.platform ? " — every app's notifications reach it" : "";
  ctx.out.line(`added ${channel.type} channel ${channel.id} to ${channels.owner}: ${channel.target}${reach}`);
  if (channel.secret !== undefined) {
    ctx.out.line();
    ctx.out.line(`signing secret: ${channel.secret}`);
    ctx.out.line(ctx.out.style("yellow", "shown once: store it now; it signs every delivery (Standard Webhooks)"));
  }
  if (channel.defaultRules.length > 0) {
    ctx.out.line();
    ctx.out.line(`${channels.owner} got these rules with its first channel (\`berth alerts\` lists them):`);
    const pad = Math.max(...channel.defaultRules.map((rule) => rule.kind.length));
    for (const rule of channel.defaultRules) ctx.out.line(`  ${rule.id}  ${rule.kind.padEnd(pad)}  ${rule.summary}`);
  }
  ctx.out.line();
  ctx.out.line(`send a test with \`${channels.command("alerts:test", channel.id)}\``);
}

const add = defineCommand({
  name: "alerts:channels:add",
  summary: "send the app's alerts (--platform: every app's) to a webhook (signed) or a Slack incoming webhook",
  description: [
    "A webhook gets a JSON POST signed as Standard Webhooks do (webhook-id, webhook-timestamp and",
    "webhook-signature headers); its secret is printed once, here. Slack takes Slack's incoming-webhook",
    "URL; Mattermost and Discord (its URL + /slack) take the same messages. The app's first channel also",
    "gives it the deploy-failed and crashes rules.",
    "",
    "With --platform (administrators) the channel is the platform's: every app's notifications reach it,",
    "besides the app's own channels. It brings no rules.",
  ].join("\n"),
  options: {
    ...appOption,
    ...platformOption("a platform channel: every app's notifications reach it"),
    ...jsonOption,
    type: { type: "string", description: "webhook or slack (needed)", placeholder: "webhook|slack" },
    url: { type: "string", description: "where to POST (needed)", placeholder: "url" },
  },
  args: { min: 0, max: 0 },
  examples: [
    ["berth alerts:channels:add --type slack --url https://hooks.slack.com/services/T0/B0/XX", "alerts in a Slack channel"],
    ["berth alerts:channels:add --type webhook --url https://ops.example.com/berth -a myapp", "a signed webhook"],
    ["berth alerts:channels:add --type webhook --url https://ops.example.com/berth --json | jq -r .secret", "keep the secret"],
    [
      "berth alerts:channels:add --platform --type slack --url https://hooks.slack.com/services/T0/B0/XX",
      "every app's alerts, for the operators",
    ],
  ],
  async run({ flags }, ctx) {
    if (flags.type === undefined || flags.url === undefined) {
      throw new UsageError("alerts:channels:add needs --type and --url", "e.g. `berth alerts:channels:add --type slack --url https://…`");
    }
    const type = oneOf("type", flags.type, CHANNEL_TYPES);
    const url = httpUrl(flags.url);
    const channels = await channelsOf(flags, ctx);
    const channel = await channels.add({ type, url });
    if (flags.json) return ctx.out.json(channel);
    printCreated(ctx, channels, channel);
  },
});

const remove = defineCommand({
  name: "alerts:channels:remove",
  summary: "stop sending the app's alerts (--platform: every app's) to a channel",
  usage: "<channel>",
  description: "With --platform, a platform channel (administrators): no app's notifications reach it any more.",
  options: { ...appOption, ...platformOption("a platform channel") },
  args: { min: 1, max: 1 },
  examples: [
    ["berth alerts:channels:remove c-9d2e11 -a myapp", "c-9d2e11 gets nothing more"],
    ["berth alerts:channels:remove --platform c-4b7e02", "the platform channel c-4b7e02 gets nothing more"],
  ],
  async run({ args, flags }, ctx) {
    const channels = await channelsOf(flags, ctx);
    const id = args[0] ?? "";
    await channels.remove(id);
    ctx.out.line(`removed channel ${id} from ${channels.owner}`);
  },
});

/** What to check, by what the receiver did. */
function testHint(result: ChannelTestResult): string {
  if (result.status === 401 || result.status === 403)
    return "the receiver refused it: check what it expects (a secret, a token in the URL)";
  if (result.status === 404 || result.status === 410) return "check the URL (a 410 Gone also disables the channel)";
  if (result.status === null) return "the controller must reach the URL and get an answer within 15 s";
  return "the receiver must answer the POST with a 2xx within 15 s";
}

const test = defineCommand({
  name: "alerts:test",
  summary: "send a test notification to a channel and show what its receiver answered",
  usage: "<channel>",
  description: [
    "It says sent only when the receiver answered 2xx; anything else, or no answer, exits with 1.",
    "With --platform, to a platform channel (administrators).",
  ].join("\n"),
  options: { ...appOption, ...platformOption("a platform channel") },
  args: { min: 1, max: 1 },
  examples: [
    ["berth alerts:test c-9d2e11 -a myapp", "does the Slack channel get Berth's messages?"],
    ["berth alerts:test --platform c-4b7e02", "does the platform channel c-4b7e02 get them?"],
  ],
  async run({ args, flags }, ctx) {
    const channels = await channelsOf(flags, ctx);
    const id = args[0] ?? "";
    // The answer does not name the receiver; the list does, shortened as the controller shows it.
    const [result, page] = await Promise.all([channels.test(id), channels.list()]);
    const target = page.results.find((channel) => channel.id === id)?.target ?? id;
    if (!result.ok) throw new CliError(`test to ${target} failed: ${testAnswer(result)}`, testHint(result));
    ctx.out.line(`sent: ${target} ${testAnswer(result)}`);
  },
});

const deliveries = defineCommand({
  name: "alerts:deliveries",
  summary: "list the notifications sent: status, attempts, the receiver's answer",
  description: "Oldest first; each notification's title on the line below it. A failed one can be sent again with alerts:redeliver.",
  options: {
    ...appOption,
    ...jsonOption,
    ...limitOption,
    status: { type: "string", description: "only pending, delivered or failed ones", placeholder: "status" },
  },
  args: { min: 0, max: 0 },
  examples: [
    ["berth alerts:deliveries -a myapp", "what was sent, and how the receivers answered"],
    ["berth alerts:deliveries --status failed", "only the ones that never got through"],
  ],
  async run({ flags }, ctx) {
    const status = flags.status === undefined ? {} : { status: oneOf("status", flags.status, DELIVERY_STATUSES) };
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const page = await session.client.alerts.deliveries(app, { ...pageOf(flags.limit), ...status });
    if (flags.json) return ctx.out.json(page.results);
    if (page.results.length === 0) {
      ctx.out.line(`${app} has no ${status.status === undefined ? "" : `${status.status} `}deliveries: none of its rules has notified yet`);
      return;
    }
    ctx.out.heading(`${app} Alert Deliveries`);
    for (const line of deliveriesView(ctx.out, page.results, Date.now())) ctx.out.line(line);
    noteTruncated(ctx.err, page, "deliveries");
  },
});

const redeliver = defineCommand({
  name: "alerts:redeliver",
  summary: "send a notification to its channel again (e.g. one that failed)",
  usage: "<delivery>",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [["berth alerts:redeliver d-7f3a91 -a myapp", "try d-7f3a91 again (`berth alerts:deliveries` lists them)"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const delivery = await session.client.alerts.redeliver(app, args[0] ?? "");
    if (delivery.status === "failed") {
      throw new CliError(`${delivery.id} failed again: ${lastAttempt(delivery)}`, "`berth alerts:test` shows what the receiver answers");
    }
    ctx.out.line(
      delivery.status === "delivered"
        ? `delivered ${delivery.id} to ${delivery.channel}: ${lastAttempt(delivery)}`
        : `${delivery.id} is queued for ${delivery.channel}; \`berth alerts:deliveries -a ${app}\` shows how it goes`,
    );
  },
});

export const commands: Command[] = [list, add, remove, test, deliveries, redeliver];
