import type { Command, CommandSummary } from "./command.ts";
import { type Printer, width } from "./output.ts";

const order = [
  "auth",
  "apps",
  "git",
  "config",
  "builds",
  "releases",
  "ps",
  "logs",
  "metrics",
  "alerts",
  "limits",
  "healthchecks",
  "domains",
  "settings",
  "maintenance",
  "routing",
  "allowlist",
  "timeouts",
  "perms",
  "users",
  "help",
];

export function groupOf(command: CommandSummary): string {
  return command.group ?? command.name.split(":")[0] ?? command.name;
}

function synopsis(command: CommandSummary): string {
  return command.usage === undefined ? command.name : `${command.name} ${command.usage}`;
}

/** `berth help`: every visible command by group, one line each. */
export function printOverview(printer: Printer, commands: readonly CommandSummary[], version: string): void {
  const visible = commands.filter((command) => !command.hidden);
  const groups = [...new Set(visible.map(groupOf))].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
  });
  const pad = Math.max(...visible.map((command) => width(synopsis(command)))) + 2;
  printer.line(`berth ${version} — deploy and run apps on Berth with git push`);
  printer.line();
  printer.line(`${printer.style("bold", "Usage:")} berth <command> [arguments] [options]`);
  for (const group of groups) {
    printer.line();
    printer.line(printer.style("bold", group));
    for (const command of visible.filter((c) => groupOf(c) === group)) {
      printer.line(`  ${synopsis(command).padEnd(pad)}${command.summary}`);
    }
  }
  printer.line();
  printer.line("`berth help <command>` (or `berth <command> --help`) shows its options and examples.");
  printer.line("App commands take -a/--app; without it the app of the `berth` git remote here is used.");
}

/** `berth help <command>`: usage, description, options and examples. */
export function printCommandHelp(printer: Printer, command: Command): void {
  printer.line(
    `${printer.style("bold", "Usage:")} berth ${synopsis(command)}${Object.keys(command.options).length > 0 ? " [options]" : ""}`,
  );
  printer.line();
  printer.line(command.summary);
  if (command.description !== undefined) {
    printer.line();
    printer.line(command.description);
  }
  if (command.aliases !== undefined && command.aliases.length > 0) {
    printer.line();
    printer.line(`${printer.style("bold", "Aliases:")} ${command.aliases.join(", ")}`);
  }
  const options = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : "    "}--${name}${spec.type === "string" ? ` <${spec.placeholder ?? "value"}>` : ""}`;
    return [flag, spec.description] as const;
  });
  options.push(["-h, --help", "show this help"]);
  const pad = Math.max(...options.map(([flag]) => width(flag))) + 2;
  printer.line();
  printer.line(printer.style("bold", "Options:"));
  for (const [flag, text] of options) printer.line(`  ${flag.padEnd(pad)}${text}`);
  if (command.examples.length > 0) {
    printer.line();
    printer.line(printer.style("bold", "Examples:"));
    for (const [line, text] of command.examples) {
      printer.line(`  ${printer.style("dim", `# ${text}`)}`);
      printer.line(`  ${line}`);
    }
  }
}
