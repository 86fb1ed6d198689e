import { parseInput } from "./args.ts";
import type { Context } from "./context.ts";
import { UsageError } from "./errors.ts";
import { printCommandHelp, printOverview } from "./help.ts";
import { loadCommand, registry, requireCommand } from "./registry.ts";

const isHelpFlag = (arg: string) => arg === "--help" || arg === "-h";

/** Finds the command argv names and runs it, loading only its module; the overview and version load none. */
export async function dispatch(argv: string[], ctx: Context): Promise<void> {
  const [first, ...rest] = argv;
  if (first === "--version" || first === "-v") {
    ctx.out.line(`berth ${ctx.deps.version}`);
    return;
  }
  if (first === undefined || isHelpFlag(first)) {
    printOverview(ctx.out, registry, ctx.deps.version);
    return;
  }
  if (first.startsWith("-")) {
    throw new UsageError(
      `"${first}" is an option, but a command must come first`,
      "e.g. `berth apps --json`; `berth help` lists every command",
    );
  }
  const command = await loadCommand(requireCommand(first));
  const end = rest.indexOf("--");
  if ((end < 0 ? rest : rest.slice(0, end)).some(isHelpFlag)) {
    printCommandHelp(ctx.out, command);
    return;
  }
  await command.run(parseInput(command, rest), ctx);
}
