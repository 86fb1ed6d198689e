import type { AppSettings } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption } from "../command.ts";
import type { Context } from "../context.ts";
import { UsageError, withHint } from "../errors.ts";
import { changeSettings } from "./settings-change.ts";

const onOff = (on: boolean) => (on ? "on" : "off");
const enabled = (on: boolean) => (on ? "enabled" : "disabled");

const info = defineCommand({
  name: "settings:info",
  group: "settings",
  aliases: ["settings"],
  summary: "show how the router serves the app: maintenance, routing, allowlist, timeouts",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth settings -a myapp", "every router setting of myapp"],
    ["berth settings --json", "as JSON, for a script"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const settings = await session.client.settings.get(app);
    if (flags.json) return ctx.out.json(settings);
    ctx.out.heading(`${app} Router Settings`);
    ctx.out.fields([
      ["maintenance", onOff(settings.maintenance)],
      ["routing", enabled(settings.routable)],
      ["allowlist", settings.allowlist.length === 0 ? "everyone" : settings.allowlist.join(", ")],
      ["connect timeout", `${settings.connectTimeout}s`],
      ["read timeout", `${settings.readTimeout}s`],
    ]);
  },
});

/** `maintenance` and `routing`: a view, and two commands that switch the setting. */
function toggle(options: {
  group: string;
  field: "maintenance" | "routable";
  verbs: [on: string, off: string];
  summary: string;
  says: (app: string, on: boolean) => string;
  effect: [on: string, off: string];
}): Command[] {
  const { group, field, says } = options;
  const show = defineCommand({
    name: `${group}:info`,
    group,
    aliases: [group],
    summary: options.summary,
    options: { ...appOption, ...jsonOption },
    args: { min: 0, max: 0 },
    examples: [
      [`berth ${group} -a myapp`, options.summary.replace(/^show /, "").replace("the app", "myapp")],
      [`berth ${group} --json`, `{"app": …, "${field}": true|false}`],
    ],
    async run({ flags }, ctx) {
      const session = await ctx.session();
      const app = await ctx.app(flags.app, session);
      const settings = await session.client.settings.get(app);
      if (flags.json) return ctx.out.json({ app, [field]: settings[field] });
      ctx.out.line(says(app, settings[field]));
    },
  });
  const switcher = (verb: string, value: boolean, effect: string) =>
    defineCommand({
      name: `${group}:${verb}`,
      summary: `${verb === "on" || verb === "off" ? `turn ${group} ${verb}` : `${verb} ${group}`}: ${effect}`,
      description: "Router settings apply within seconds, without a new release.",
      options: { ...appOption },
      args: { min: 0, max: 0 },
      examples: [[`berth ${group}:${verb} -a myapp`, effect]],
      async run({ flags }, ctx) {
        const session = await ctx.session();
        const app = await ctx.app(flags.app, session);
        const { changed } = await changeSettings(session, app, { [field]: value });
        ctx.out.line(`${says(app, value)}${changed ? "" : " (it already was)"}`);
      },
    });
  return [show, switcher(options.verbs[0], true, options.effect[0]), switcher(options.verbs[1], false, options.effect[1])];
}

const maintenance = toggle({
  group: "maintenance",
  field: "maintenance",
  verbs: ["on", "off"],
  summary: "show whether the app is in maintenance mode",
  says: (app, on) => `maintenance mode is ${onOff(on)} for ${app}${on ? ": the router answers 503 with a maintenance page" : ""}`,
  effect: ["the router answers 503 with a maintenance page", "the router serves the app again"],
});

const routing = toggle({
  group: "routing",
  field: "routable",
  verbs: ["enable", "disable"],
  summary: "show whether the router serves the app",
  says: (app, on) => `routing is ${enabled(on)} for ${app}${on ? "" : ": the router does not serve it"}`,
  effect: ["the router serves the app at its URL and domains", "the router stops serving the app (it keeps running)"],
});

const timeoutKeys = { connect: "connectTimeout", read: "readTimeout" } as const satisfies Record<string, keyof AppSettings>;
const isTimeoutKey = (key: string): key is keyof typeof timeoutKeys => Object.hasOwn(timeoutKeys, key);

function printTimeouts(ctx: Context, app: string, settings: AppSettings): void {
  ctx.out.heading(`${app} Timeouts`);
  ctx.out.fields([
    ["connect", `${settings.connectTimeout}s`],
    ["read", `${settings.readTimeout}s`],
  ]);
}

const timeouts = defineCommand({
  name: "timeouts:info",
  group: "timeouts",
  aliases: ["timeouts"],
  summary: "show how long the router waits for the app's instances",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [["berth timeouts -a myapp", "the connect and read timeouts of myapp"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const settings = await session.client.settings.get(app);
    if (flags.json) return ctx.out.json({ app, connectTimeout: settings.connectTimeout, readTimeout: settings.readTimeout });
    printTimeouts(ctx, app, settings);
  },
});

const timeoutsSet = defineCommand({
  name: "timeouts:set",
  summary: "set how long the router waits to connect to an instance, and for its answer",
  usage: "connect=N read=N",
  description:
    "connect: seconds to open a connection (1–300, default 5); read: seconds until the answer starts (1–3600, default 60).\nRouter settings apply within seconds, without a new release.",
  options: { ...appOption },
  args: { min: 1, max: 2 },
  examples: [
    ["berth timeouts:set read=300 -a myapp", "allow five minutes for slow reports"],
    ["berth timeouts:set connect=2 read=30", "fail fast"],
  ],
  async run({ args, flags }, ctx) {
    const change: Partial<Record<"connectTimeout" | "readTimeout", number>> = {};
    for (const arg of args) {
      const [, key = "", value = ""] = /^([a-z]+)=([0-9]{1,6})$/.exec(arg) ?? [];
      if (!isTimeoutKey(key)) {
        throw new UsageError(`"${arg}" is not connect=SECONDS or read=SECONDS`, "e.g. `berth timeouts:set connect=5 read=60`");
      }
      change[timeoutKeys[key]] = Number(value);
    }
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const { settings } = await changeSettings(session, app, change).catch(
      withHint("connect takes 1 to 300 seconds, read 1 to 3600; e.g. `berth timeouts:set connect=5 read=60`"),
    );
    printTimeouts(ctx, app, settings);
  },
});

export const commands: Command[] = [info, ...maintenance, ...routing, timeouts, timeoutsSet];
