import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { ControllerClient } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption, noWaitOption } from "../command.ts";
import { changeConfig } from "./config-change.ts";
import type { Context } from "../context.ts";
import { parseDotenv, serializeDotenv } from "./dotenv.ts";
import { CliError, UsageError } from "../errors.ts";

function printValues(ctx: Context, app: string, values: Record<string, string>): void {
  const keys = Object.keys(values).sort();
  if (keys.length === 0) {
    ctx.out.line(`${app} has no config values: set some with \`berth config:set KEY=value -a ${app}\``);
    return;
  }
  ctx.out.heading(`${app} Config`);
  ctx.out.table(
    ["key", "value"],
    keys.map((key) => [key, JSON.stringify(values[key]).slice(1, -1)]),
  );
}

async function change(
  ctx: Context,
  client: ControllerClient,
  app: string,
  values: Record<string, string | null>,
  noWait: boolean | undefined,
) {
  await changeConfig(ctx, client, app, { values }, noWait, (config) => printValues(ctx, app, config.values));
}

/** `KEY=value` arguments; the value is everything after the first `=` (spaces, `=`, newlines kept). */
export function parsePairs(args: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf("=");
    if (at <= 0) {
      throw new UsageError(`"${arg}" is not KEY=value`, "e.g. `berth config:set GREETING='hello world'`; quote values with spaces");
    }
    values[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return values;
}

const list = defineCommand({
  name: "config:list",
  group: "config",
  aliases: ["config"],
  summary: "show the app's config values",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth config -a myapp", "the values myapp runs with"],
    ["berth config --json | jq .DATABASE_URL", "one value, for a script"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const config = await session.client.config.get(app);
    if (flags.json) return ctx.out.json(config.values);
    printValues(ctx, app, config.values);
  },
});

const set = defineCommand({
  name: "config:set",
  summary: "set config values (a new release)",
  usage: "KEY=value...",
  description: "Each change makes a new release and rolls it out; the command waits until it is deployed.",
  options: { ...appOption, ...noWaitOption },
  args: { min: 1, max: Number.POSITIVE_INFINITY },
  examples: [
    ["berth config:set GREETING='hello world' -a myapp", "set one value"],
    ["berth config:set A=1 B=2 --no-wait", "set two, without waiting for the rollout"],
  ],
  async run({ args, flags }, ctx) {
    const values = parsePairs(args);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    await change(ctx, session.client, app, values, flags["no-wait"]);
  },
});

const unset = defineCommand({
  name: "config:unset",
  summary: "remove config values (a new release)",
  usage: "KEY...",
  options: { ...appOption, ...noWaitOption },
  args: { min: 1, max: Number.POSITIVE_INFINITY },
  examples: [["berth config:unset GREETING -a myapp", "remove GREETING"]],
  async run({ args, flags }, ctx) {
    const bad = args.find((key) => key.includes("="));
    if (bad !== undefined)
      throw new UsageError(`config:unset takes keys, not "${bad}"`, `e.g. \`berth config:unset ${bad.split("=")[0]}\``);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    await change(ctx, session.client, app, Object.fromEntries(args.map((key) => [key, null])), flags["no-wait"]);
  },
});

const pathOption = { path: { type: "string", short: "p", description: "the file (default .env)", placeholder: "file" } } as const;

async function readIfThere(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${path}: ${error.message}`, "check the path and its permissions");
  });
}

const pull = defineCommand({
  name: "config:pull",
  summary: "write the app's config values to .env",
  description: "Values already in the file are kept unless -o/--overwrite is given.",
  options: { ...appOption, ...pathOption, overwrite: { type: "boolean", short: "o", description: "replace values already in the file" } },
  args: { min: 0, max: 0 },
  examples: [
    ["berth config:pull -a myapp", "merge myapp's values into .env"],
    ["berth config:pull -o", "make .env exactly the app's config"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const path = resolve(ctx.deps.cwd, flags.path ?? ".env");
    const remote = (await session.client.config.get(app)).values;
    const existing = await readIfThere(path);
    const local = existing === undefined || flags.overwrite ? {} : parseDotenv(existing, path);
    await writeFile(path, serializeDotenv({ ...remote, ...local }), { mode: 0o600 });
    ctx.out.line(`wrote ${Object.keys(remote).length} values of ${app} to ${path}`);
  },
});

const push = defineCommand({
  name: "config:push",
  summary: "set the app's config from .env (a new release)",
  options: { ...appOption, ...pathOption, ...noWaitOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth config:push -a myapp", "set every value in .env"],
    ["berth config:push -p prod.env", "from another file"],
  ],
  async run({ flags }, ctx) {
    const path = resolve(ctx.deps.cwd, flags.path ?? ".env");
    const text = await readIfThere(path);
    if (text === undefined) throw new UsageError(`${path} does not exist`, "write KEY=value lines there, or pass -p <file>");
    const values = parseDotenv(text, path);
    if (Object.keys(values).length === 0) throw new UsageError(`${path} has no values`, "write KEY=value lines there");
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    await change(ctx, session.client, app, values, flags["no-wait"]);
  },
});

export const commands: Command[] = [list, set, unset, pull, push];
