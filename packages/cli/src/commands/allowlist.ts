import { isIP } from "node:net";
import { appOption, type Command, defineCommand, jsonOption } from "../command.ts";
import type { Context } from "../context.ts";
import { CliError, UsageError } from "../errors.ts";
import { changeSettings } from "./settings-change.ts";

/** `10.0.0.0/8`, `203.0.113.7` (a /32), `2001:db8::/32`, normalised as the controller keeps them. */
export function cidr(value: string): string {
  const [address = "", prefix, extra] = value.split("/");
  const max = isIP(address) === 6 ? 128 : 32;
  const bits = prefix === undefined ? max : Number(prefix);
  if (isIP(address) === 0 || extra !== undefined || !/^\d{0,3}$/.test(prefix ?? "") || !Number.isInteger(bits) || bits > max) {
    throw new UsageError(`"${value}" is not an IP address or CIDR`, "e.g. 203.0.113.0/24, 198.51.100.7 or 2001:db8::/32");
  }
  return `${address.toLowerCase()}/${bits}`;
}

function printList(ctx: Context, app: string, allowlist: string[]): void {
  if (allowlist.length === 0) {
    ctx.out.line(`everyone may reach ${app}: limit it with \`berth allowlist:add 203.0.113.0/24 -a ${app}\``);
    return;
  }
  ctx.out.heading(`${app} Allowlist`);
  for (const entry of allowlist) ctx.out.line(entry);
}

const list = defineCommand({
  name: "allowlist:list",
  group: "allowlist",
  aliases: ["allowlist", "whitelist", "whitelist:list"],
  summary: "list the addresses allowed to reach the app (empty: everyone)",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth allowlist -a myapp", "who may reach myapp"],
    ["berth allowlist --json", "as a JSON list of CIDRs"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const { allowlist } = await session.client.settings.get(app);
    if (flags.json) return ctx.out.json(allowlist);
    printList(ctx, app, allowlist);
  },
});

const add = defineCommand({
  name: "allowlist:add",
  aliases: ["whitelist:add"],
  summary: "allow only these addresses (and any already listed) to reach the app",
  usage: "<cidr>...",
  description:
    "Once the list has an entry, the router answers 403 to every other address. An address without /N is one host.\nRouter settings apply within seconds, without a new release.",
  options: { ...appOption },
  args: { min: 1, max: Number.POSITIVE_INFINITY },
  examples: [
    ["berth allowlist:add 203.0.113.0/24 -a myapp", "only the office network may reach myapp"],
    ["berth allowlist:add 198.51.100.7 2001:db8::/32", "one host and an IPv6 network"],
  ],
  async run({ args, flags }, ctx) {
    const wanted = args.map(cidr);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const current = (await session.client.settings.get(app)).allowlist;
    const { settings } = await changeSettings(session, app, { allowlist: [...new Set([...current, ...wanted])] });
    printList(ctx, app, settings.allowlist);
  },
});

const remove = defineCommand({
  name: "allowlist:remove",
  aliases: ["whitelist:remove"],
  summary: "take addresses off the app's allowlist (an empty list lets everyone in)",
  usage: "<cidr>...",
  description: "Router settings apply within seconds, without a new release.",
  options: { ...appOption },
  args: { min: 1, max: Number.POSITIVE_INFINITY },
  examples: [["berth allowlist:remove 203.0.113.0/24 -a myapp", "that network may no longer reach myapp"]],
  async run({ args, flags }, ctx) {
    const dropped = args.map(cidr);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const current = (await session.client.settings.get(app)).allowlist;
    const missing = dropped.filter((entry) => !current.includes(entry));
    if (missing.length > 0) {
      throw new CliError(
        `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not on the allowlist of ${app}`,
        `\`berth allowlist -a ${app}\` lists it`,
      );
    }
    const { settings } = await changeSettings(session, app, { allowlist: current.filter((entry) => !dropped.includes(entry)) });
    printList(ctx, app, settings.allowlist);
  },
});

export const commands: Command[] = [list, add, remove];
