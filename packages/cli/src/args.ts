import { parseArgs } from "node:util";
import type { Command, Input, OptionSpecs } from "./command.ts";
import { UsageError } from "./errors.ts";

const helpHint = (command: Command) => `see \`berth help ${command.name}\``;

/** Parses a command's arguments; every mistake is a UsageError naming the command. */
export function parseInput<O extends OptionSpecs>(command: Command<O>, argv: string[]): Input<O> {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]?.replace(/\. To specify.*$/, "") : String(error);
    throw new UsageError(`${command.name}: ${message}`, helpHint(command));
  }
  const args = parsed.positionals;
  const { min, max } = command.args;
  if (args.length < min) {
    throw new UsageError(`${command.name} needs ${command.usage ?? "more arguments"}`, helpHint(command));
  }
  if (args.length > max) {
    const extra = args.slice(max).join(" ");
    throw new UsageError(
      `${command.name} takes ${max === 0 ? "no arguments" : `at most ${max} argument${max === 1 ? "" : "s"}`}, not "${extra}"`,
      helpHint(command),
    );
  }
  return { args, flags: parsed.values as Input<O>["flags"] };
}
