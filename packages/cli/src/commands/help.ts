import { type Command, defineCommand } from "../command.ts";
import { printCommandHelp, printOverview } from "../help.ts";
import { loadCommand, registry, requireCommand } from "../registry.ts";

const help = defineCommand({
  name: "help",
  summary: "list the commands, or show one command's options and examples",
  usage: "[command]",
  options: {},
  args: { min: 0, max: 1 },
  examples: [
    ["berth help", "every command"],
    ["berth help config:set", "how config:set works (the same as berth config:set --help)"],
  ],
  async run({ args }, ctx) {
    if (args[0] === undefined) printOverview(ctx.out, registry, ctx.deps.version);
    else printCommandHelp(ctx.out, await loadCommand(requireCommand(args[0])));
  },
});

const version = defineCommand({
  name: "version",
  group: "help",
  summary: "print berth's version (also --version)",
  options: {},
  args: { min: 0, max: 0 },
  examples: [["berth --version", "e.g. berth 0.1.0"]],
  async run(_input, ctx) {
    ctx.out.line(`berth ${ctx.deps.version}`);
  },
});

export const commands: Command[] = [help, version];
