import type { Config, ProcessLimits } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption, noWaitOption } from "../command.ts";
import { changeConfig } from "./config-change.ts";
import type { Context } from "../context.ts";
import { CliError, UsageError } from "../errors.ts";
import { processType, typeOption } from "./process-type.ts";

const resources = ["memory", "cpu"] as const;
type Resource = (typeof resources)[number];
const isResource = (key: string): key is Resource => (resources as readonly string[]).includes(key);

function printLimits(ctx: Context, app: string, limits: Config["limits"]): void {
  const types = Object.keys(limits).sort();
  if (types.length === 0) {
    ctx.out.line(`${app} has no limits: its processes may use all the memory and CPU they can get`);
    ctx.out.line(`set some with \`berth limits:set memory=512M cpu=500m -a ${app}\``);
    return;
  }
  ctx.out.heading(`${app} Limits`);
  ctx.out.table(
    ["type", "memory", "cpu"],
    types.map((type) => [type, limits[type]?.memory ?? "unlimited", limits[type]?.cpu ?? "unlimited"]),
  );
}

/** `memory=512M cpu=500m` → `{memory: "512M", cpu: "500m"}`; the controller checks the sizes. */
function parseLimits(args: string[]): ProcessLimits {
  const limits: ProcessLimits = {};
  for (const arg of args) {
    const at = arg.indexOf("=");
    const key = arg.slice(0, at);
    if (at > 0 && !isResource(key) && /^[0-9.]+[KMG]$/.test(arg.slice(at + 1))) {
      throw new UsageError(
        `"${arg}" is not memory=SIZE or cpu=CPUS`,
        `Deis's TYPE=SIZE is written \`berth limits:set memory=${arg.slice(at + 1)} --type ${key}\` here`,
      );
    }
    if (at <= 0 || !isResource(key) || at === arg.length - 1) {
      throw new UsageError(`"${arg}" is not memory=SIZE or cpu=CPUS`, "e.g. `berth limits:set memory=512M cpu=500m --type web`");
    }
    limits[key] = arg.slice(at + 1);
  }
  return limits;
}

const description = [
  "Memory is a size like 256M or 1G; CPU is millicores like 500m or cores like 1 or 1.5.",
  "Limits apply to one process type (--type, default web); a type's other limit is kept.",
  "(Deis's `limits:set web=512M` is `limits:set memory=512M --type web` here.)",
  "Each change makes a new release and rolls it out; the command waits until it is deployed.",
].join("\n");

const list = defineCommand({
  name: "limits:list",
  group: "limits",
  aliases: ["limits"],
  summary: "show the memory and CPU limits of each process type",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth limits -a myapp", "the limits of myapp's process types"],
    ["berth limits --json", "as JSON: {type: {memory, cpu}}"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const config = await session.client.config.get(app);
    if (flags.json) return ctx.out.json(config.limits);
    printLimits(ctx, app, config.limits);
  },
});

const set = defineCommand({
  name: "limits:set",
  summary: "limit the memory and CPU of a process type (a new release)",
  usage: "memory=SIZE cpu=CPUS",
  description,
  options: { ...appOption, ...typeOption, ...noWaitOption },
  args: { min: 1, max: 2 },
  examples: [
    ["berth limits:set memory=512M -a myapp", "at most 512 MiB for each web instance"],
    ["berth limits:set memory=1G cpu=1.5 --type worker", "a gigabyte and one and a half cores per worker"],
    ["berth limits:set cpu=250m --no-wait", "a quarter of a core, without waiting for the rollout"],
  ],
  async run({ args, flags }, ctx) {
    const wanted = parseLimits(args);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const type = await processType(session.client, app, flags.type);
    const current = (await session.client.config.get(app)).limits[type] ?? {};
    const limits = { [type]: { ...current, ...wanted } };
    await changeConfig(
      ctx,
      session.client,
      app,
      { limits },
      flags["no-wait"],
      (config) => printLimits(ctx, app, config.limits),
      "memory is a size like 512M or 1G, cpu millicores like 500m or cores like 1.5; see `berth help limits:set`",
    );
  },
});

const unset = defineCommand({
  name: "limits:unset",
  summary: "remove a process type's memory or CPU limit, or both (a new release)",
  usage: "[memory] [cpu]",
  description: "Without memory or cpu, both limits of the type (--type, default web) are removed.",
  options: { ...appOption, ...typeOption, ...noWaitOption },
  args: { min: 0, max: 2 },
  examples: [
    ["berth limits:unset memory -a myapp", "web instances may use any amount of memory again"],
    ["berth limits:unset --type worker", "remove both limits of worker"],
  ],
  async run({ args, flags }, ctx) {
    const bad = args.find((arg) => !isResource(arg));
    if (bad !== undefined) throw new UsageError(`"${bad}" is not memory or cpu`, "e.g. `berth limits:unset memory --type web`");
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const type = flags.type ?? "web";
    const current = (await session.client.config.get(app)).limits[type];
    const dropped = args.length === 0 ? resources : args.filter(isResource);
    if (current === undefined || !dropped.some((resource) => current[resource] !== undefined)) {
      const what = args.length === 0 ? "limits" : `${dropped.join(" or ")} limit`;
      throw new CliError(`${type} of ${app} has no ${what} to remove`, `\`berth limits -a ${app}\` shows its limits`);
    }
    const rest: ProcessLimits = { ...current };
    for (const resource of dropped) delete rest[resource];
    const limits = { [type]: rest.memory === undefined && rest.cpu === undefined ? null : rest };
    await changeConfig(ctx, session.client, app, { limits }, flags["no-wait"], (config) => printLimits(ctx, app, config.limits));
  },
});

export const commands: Command[] = [list, set, unset];
