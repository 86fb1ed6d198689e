import { readdir } from "node:fs/promises";
import type { Command } from "./command.ts";
import { UsageError } from "./errors.ts";
import { suggest } from "./suggest.ts";

const dir = new URL("./commands/", import.meta.url);
let loaded: Promise<Command[]> | undefined;

/** Every command: each file in `commands/` exports `commands`; adding a group is adding a file. */
export function loadCommands(): Promise<Command[]> {
  loaded ??= importAll();
  return loaded;
}

async function importAll(): Promise<Command[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".ts")).sort();
  const modules = await Promise.all(files.map((file) => import(new URL(file, dir).href) as Promise<{ commands?: Command[] }>));
  return modules.flatMap((module) => module.commands ?? []);
}

/** The command a name or alias means; `group` alone means `group:list` when that exists. */
export function findCommand(commands: Command[], name: string): Command | undefined {
  return (
    commands.find((command) => command.name === name || command.aliases?.includes(name)) ??
    commands.find((command) => command.name === `${name}:list`)
  );
}

/** Like findCommand, but an unknown name is a usage error that suggests the closest names. */
export function requireCommand(commands: Command[], name: string): Command {
  const found = findCommand(commands, name);
  if (found !== undefined) return found;
  const names = commands.filter((command) => !command.hidden).flatMap((command) => [command.name, ...(command.aliases ?? [])]);
  const close = suggest(name, names);
  throw new UsageError(
    `unknown command "${name}"`,
    close.length > 0
      ? `did you mean ${close.map((n) => `\`${n}\``).join(" or ")}? (\`berth help\` lists every command)`
      : "`berth help` lists every command",
  );
}
