import type { Context } from "./context.ts";

/** One option of a command, in the shape `node:util` parseArgs takes, plus help text. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** What the option does, for `--help`. */
  description: string;
  /** Name of the value in help (`--remote <name>`). */
  placeholder?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

type FlagValue<S extends OptionSpec> = S["type"] extends "boolean" ? boolean : S["multiple"] extends true ? string[] : string;

/** Parsed option values; absent options are undefined. */
export type Flags<O extends OptionSpecs> = { [K in keyof O]?: FlagValue<O[K]> };

export interface Input<O extends OptionSpecs> {
  args: string[];
  flags: Flags<O>;
}

/**
 * A command of the `berth` CLI. A file under `commands/` exports `commands`, a list of these, and
 * `registry.ts` lists each one with what help needs, so that only the module run is loaded.
 */
export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** `group:sub`, or a single word for top-level commands. */
  name: string;
  /** The help section; the part of the name before `:` by default. */
  group?: string;
  /** Other names, e.g. `rollback` for `releases:rollback`, `apps:create` for `create`. */
  aliases?: string[];
  /** One line for `berth help`. */
  summary: string;
  /** Arguments after the name, e.g. `KEY=VALUE...`. */
  usage?: string;
  /** Paragraphs for `berth help <command>`. */
  description?: string;
  options: O;
  /** Fewest and most positional arguments. */
  args: { min: number; max: number };
  /** `[command line, what it does]`. */
  examples: [string, string][];
  /** Not listed in help (e.g. git's credential helper). */
  hidden?: boolean;
  run(input: Input<O>, ctx: Context): Promise<void>;
}

/** What the registry knows of a command without loading its module: enough for help and for finding it. */
export type CommandSummary = Pick<Command, "name" | "group" | "aliases" | "summary" | "usage" | "hidden">;

/** Identity with inference, so each command's flags are typed from its options. */
export function defineCommand<const O extends OptionSpecs>(command: Command<O>): Command<O> {
  return command;
}

export const appOption = {
  app: { type: "string", short: "a", description: "the app (default: the app of the berth git remote here)", placeholder: "app" },
} as const satisfies OptionSpecs;

export const jsonOption = {
  json: { type: "boolean", description: "print JSON for scripts" },
} as const satisfies OptionSpecs;

export const noWaitOption = {
  "no-wait": { type: "boolean", description: "return once the release is made, without waiting for the rollout" },
} as const satisfies OptionSpecs;

export const limitOption = {
  limit: { type: "string", short: "l", description: "show at most this many (default 100)", placeholder: "n" },
} as const satisfies OptionSpecs;
