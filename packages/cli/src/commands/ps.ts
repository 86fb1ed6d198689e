import type { Formation, Pod } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption } from "../command.ts";
import type { Context } from "../context.ts";
import { CliError, UsageError } from "../errors.ts";
import { age, formation } from "../format.ts";

/** `web=3 worker=1` → `{web: 3, worker: 1}`. */
function parseFormation(args: string[]): Formation {
  const result: Formation = {};
  for (const arg of args) {
    const match = /^([^=\s]+)=(\d{1,3})$/.exec(arg);
    if (!match?.[1] || match[2] === undefined) throw new UsageError(`"${arg}" is not TYPE=COUNT`, "e.g. `berth scale web=3 worker=1`");
    result[match[1]] = Number(match[2]);
  }
  return result;
}

const scale = defineCommand({
  name: "ps:scale",
  aliases: ["scale"],
  summary: "set how many instances of each process type run",
  usage: "TYPE=COUNT...",
  options: { ...appOption },
  args: { min: 1, max: Number.POSITIVE_INFINITY },
  examples: [
    ["berth scale web=3 -a myapp", "three web instances"],
    ["berth ps:scale web=2 worker=0", "two web, no worker"],
  ],
  async run({ args, flags }, ctx) {
    const wanted = parseFormation(args);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const scaled = await session.client.scale.set(app, wanted);
    ctx.out.line(`scaled ${app}: ${formation(scaled.structure)}`);
  },
});

function state(ctx: Context, pod: Pod): string {
  if (pod.state === "running") return pod.ready ? ctx.out.style("green", "up") : ctx.out.style("yellow", "up, not ready");
  return pod.state === "starting" ? pod.state : ctx.out.style("red", pod.state);
}

/** Deis's `ps:list`: a section per process type, then its instances. */
function printPods(ctx: Context, app: string, pods: Pod[]): void {
  if (pods.length === 0) {
    ctx.out.line(`${app} runs no processes: deploy with \`git push berth main\`, or \`berth scale web=1 -a ${app}\``);
    return;
  }
  ctx.out.heading(`${app} Processes`);
  const types = [...new Set(pods.map((pod) => pod.type))].sort();
  for (const type of types) {
    const ofType = pods.filter((pod) => pod.type === type).sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
    ctx.out.line(`--- ${type} (${ofType.length})`);
    ctx.out.table(
      ["name", "state", "release", "restarts", "age"],
      ofType.map((pod) => [pod.name, state(ctx, pod), pod.release, String(pod.restarts), age(pod.started)]),
    );
  }
}

const list = defineCommand({
  name: "ps:list",
  group: "ps",
  aliases: ["ps"],
  summary: "list the app's running instances by process type",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth ps -a myapp", "every instance of myapp: state, release, restarts and age"],
    ["berth ps --json", "as JSON, for a script"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const page = await session.client.pods.list(app);
    if (flags.json) return ctx.out.json(page.results);
    printPods(ctx, app, page.results);
  },
});

const restart = defineCommand({
  name: "ps:restart",
  aliases: ["restart"],
  summary: "replace the app's instances (of one type, or all), batch by batch",
  usage: "[type]",
  description: "New instances start before the old ones stop, as in a rollout; the command waits until they are ready.",
  options: { ...appOption },
  args: { min: 0, max: 1 },
  examples: [
    ["berth ps:restart -a myapp", "restart every instance of myapp"],
    ["berth restart worker", "restart only the workers"],
  ],
  async run({ args, flags }, ctx) {
    const type = args[0];
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const running = (await session.client.pods.list(app)).results;
    const types = [...new Set(running.map((pod) => pod.type))].sort();
    if (running.length === 0) throw new CliError(`${app} runs no processes to restart`, `\`berth ps -a ${app}\` shows its instances`);
    if (type !== undefined && !types.includes(type)) {
      throw new CliError(`${app} runs no ${type} processes`, `it runs: ${types.join(", ")} (\`berth ps -a ${app}\` lists them)`);
    }
    ctx.err.line(`restarting ${type === undefined ? "every process" : `the ${type} processes`} of ${app}…`);
    const page = await session.client.pods.restart(app, type);
    printPods(ctx, app, page.results);
  },
});

export const commands: Command[] = [list, restart, scale];
