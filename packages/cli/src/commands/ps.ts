import type { Formation } from "@berth/api";
import { appOption, type Command, defineCommand } from "../command.ts";
import { UsageError } from "../errors.ts";
import { formation } from "../format.ts";

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

export const commands: Command[] = [scale];
