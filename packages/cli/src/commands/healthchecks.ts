import type { Config, Healthcheck } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption, noWaitOption } from "../command.ts";
import { changeConfig } from "./config-change.ts";
import type { Context } from "../context.ts";
import { CliError, UsageError } from "../errors.ts";
import { processType, typeOption } from "./process-type.ts";

/** What a person types → the API's field (both spellings of the multi-word ones). */
const keys: Record<string, keyof Healthcheck> = {
  path: "path",
  delay: "initialDelay",
  initialDelay: "initialDelay",
  "initial-delay": "initialDelay",
  timeout: "timeout",
  period: "period",
  failures: "failureThreshold",
  failureThreshold: "failureThreshold",
  "failure-threshold": "failureThreshold",
};
const defaults: Required<Omit<Healthcheck, "path">> = { initialDelay: 0, timeout: 2, period: 2, failureThreshold: 3 };

/** The post-deploy watch and the batch settings: part of how a release is judged healthy. */
function printRollout(ctx: Context, app: string, rollout: Config["rollout"]): void {
  const watch =
    rollout.watch > 0
      ? `a ready release is watched for ${rollout.watch}s; instances that crash in it fail it and bring the previous release back`
      : "no post-deploy watch: a release counts as deployed once it is ready";
  ctx.out.line(`${watch} (BERTH_DEPLOY_WATCH)`);
  ctx.out.line(
    `batches of ${rollout.batches} instance(s), each given ${rollout.timeout}s to become ready (BERTH_DEPLOY_BATCHES, BERTH_DEPLOY_TIMEOUT)`,
  );
  ctx.out.line(`change them with \`berth config:set BERTH_DEPLOY_WATCH=30 -a ${app}\``);
}

function printChecks(ctx: Context, app: string, config: Config): void {
  const checks = config.healthchecks;
  const types = Object.keys(checks).sort();
  if (types.length === 0) {
    ctx.out.line(`${app} has no healthchecks: an instance is ready once it accepts connections on $PORT`);
    ctx.out.line(`set one with \`berth healthchecks:set path=/health -a ${app}\``);
  } else {
    ctx.out.heading(`${app} Healthchecks`);
    ctx.out.table(
      ["type", "check", "delay", "timeout", "period", "failures"],
      types.map((type) => {
        const check = { ...defaults, ...checks[type] };
        const probe = check.path === undefined ? "tcp $PORT" : `GET ${check.path}`;
        return [type, probe, `${check.initialDelay}s`, `${check.timeout}s`, `${check.period}s`, `${check.failureThreshold}`];
      }),
    );
  }
  printRollout(ctx, app, config.rollout);
}

const usageHint = "e.g. `berth healthchecks:set path=/health timeout=3 --type web`; keys: path, delay, timeout, period, failures";

/** `path=/health timeout=3` → `{path: "/health", timeout: 3}`; the controller checks the ranges. */
function parseCheck(args: string[]): Healthcheck {
  const check: Healthcheck = {};
  for (const arg of args) {
    const at = arg.indexOf("=");
    const key = keys[arg.slice(0, at)];
    const value = arg.slice(at + 1);
    if (at <= 0 || key === undefined || value === "") throw new UsageError(`"${arg}" is not a healthcheck setting`, usageHint);
    if (key === "path") {
      check.path = value;
      continue;
    }
    if (!/^[0-9]{1,6}$/.test(value))
      throw new UsageError(`${arg.slice(0, at)} must be a whole number of seconds (or checks), not "${value}"`, usageHint);
    check[key] = Number(value);
  }
  return check;
}

const list = defineCommand({
  name: "healthchecks:list",
  group: "healthchecks",
  aliases: ["healthchecks"],
  summary: "show how each process type's readiness is checked, and the post-deploy watch",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth healthchecks -a myapp", "the checks of myapp's process types"],
    ["berth healthchecks --json", "as JSON: {type: {path, initialDelay, timeout, period, failureThreshold}}"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const config = await session.client.config.get(app);
    if (flags.json) return ctx.out.json(config.healthchecks);
    printChecks(ctx, app, config);
  },
});

const set = defineCommand({
  name: "healthchecks:set",
  summary: "check a process type's readiness with an HTTP path or a TCP connect (a new release)",
  usage: "KEY=VALUE...",
  description: [
    "Keys: path (an HTTP GET that must answer 2xx/3xx; without it, a TCP connect to $PORT), delay (seconds",
    "before the first check, default 0), timeout (seconds per check, default 2), period (seconds between",
    "checks, default 2), failures (failed checks in a row that make an instance unhealthy, default 3).",
    "Settings apply to one process type (--type, default web) and are merged with its current check.",
    "Each change makes a new release and rolls it out; the command waits until it is deployed.",
  ].join("\n"),
  options: { ...appOption, ...typeOption, ...noWaitOption },
  args: { min: 1, max: 5 },
  examples: [
    ["berth healthchecks:set path=/health -a myapp", "web instances are ready once GET /health answers"],
    ["berth healthchecks:set path=/ready timeout=3 delay=10 --type api", "for the api type: a slower start"],
    ["berth healthchecks:set failures=5 --no-wait", "more patience, without waiting for the rollout"],
  ],
  async run({ args, flags }, ctx) {
    const wanted = parseCheck(args);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const type = await processType(session.client, app, flags.type);
    const current = (await session.client.config.get(app)).healthchecks[type] ?? {};
    const healthchecks = { [type]: { ...current, ...wanted } };
    await changeConfig(
      ctx,
      session.client,
      app,
      { healthchecks },
      flags["no-wait"],
      (config) => printChecks(ctx, app, config),
      "`berth help healthchecks:set` lists the keys and their ranges",
    );
  },
});

const unset = defineCommand({
  name: "healthchecks:unset",
  summary: "go back to a TCP connect to $PORT for a process type (a new release)",
  options: { ...appOption, ...typeOption, ...noWaitOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth healthchecks:unset -a myapp", "remove the check of web"],
    ["berth healthchecks:unset --type worker", "remove the check of worker"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const type = flags.type ?? "web";
    if ((await session.client.config.get(app)).healthchecks[type] === undefined) {
      throw new CliError(`${type} of ${app} has no healthcheck to remove`, `\`berth healthchecks -a ${app}\` shows its checks`);
    }
    await changeConfig(ctx, session.client, app, { healthchecks: { [type]: null } }, flags["no-wait"], (config) =>
      printChecks(ctx, app, config),
    );
  },
});

export const commands: Command[] = [list, set, unset];
