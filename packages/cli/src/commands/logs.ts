import type { ControllerClient, LogEntry, LogQuery } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption } from "../command.ts";
import type { Context } from "../context.ts";
import { CliError, Interrupted, UsageError } from "../errors.ts";
import type { Printer, Style } from "../output.ts";

const palette: Style[] = ["cyan", "green", "magenta", "blue", "yellow"];

/** The same process type gets the same colour in every run (web.1 and web.2 alike). */
function colourOf(entry: LogEntry): Style {
  if (entry.source === "berth") return "dim";
  const type = entry.tag.split(".")[0] ?? entry.tag;
  let hash = 0;
  for (const char of type) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return palette[hash % palette.length] ?? "cyan";
}

/** `2026-11-25T22:00:00Z app[web.1]: text`, Heroku's and Deis's line; the process coloured on a terminal. */
export function formatEntry(printer: Printer, entry: LogEntry): string {
  const time = entry.time.replace(/\.\d+Z$/, "Z");
  return `${time} ${printer.style(colourOf(entry), `${entry.source}[${entry.tag}]:`)} ${entry.line}`;
}

function lines(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,5}$/.test(raw) || Number(raw) > 10_000)
    throw new UsageError(`-n ${raw} is not a number from 0 to 10000`, "e.g. `berth logs -n 500`");
  return Number(raw);
}

const logs = defineCommand({
  name: "logs",
  group: "logs",
  summary: "show the app's recent log lines: its processes' output and Berth's events",
  description: [
    "Each line is `TIME SOURCE[TAG]: TEXT`: app[web.1] is output of the first web instance, berth[release]",
    "and berth[deploy] are what the platform did. -f/--follow keeps printing new lines until Ctrl-C.",
    "--json prints one JSON object per line ({time, source, tag, line}).",
  ].join("\n"),
  options: {
    ...appOption,
    ...jsonOption,
    lines: {
      type: "string",
      short: "n",
      description: "how many recent lines to show first (default 100, at most 10000)",
      placeholder: "n",
    },
    follow: { type: "boolean", short: "f", description: "keep printing new lines until Ctrl-C" },
  },
  args: { min: 0, max: 0 },
  examples: [
    ["berth logs -a myapp", "the last 100 lines of myapp"],
    ["berth logs -n 20 -f", "the last 20 lines, then every new one until Ctrl-C"],
    ["berth logs --json | jq -r 'select(.source == \"app\") | .line'", "only the app's own output"],
  ],
  async run({ flags }, ctx) {
    const n = lines(flags.lines);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const query = n === undefined ? {} : { lines: n };
    const print = (entry: LogEntry) => ctx.out.line(flags.json ? JSON.stringify(entry) : formatEntry(ctx.out, entry));
    if (!flags.follow) {
      for (const entry of await session.client.logs.get(app, query)) print(entry);
      return;
    }
    await follow(ctx, app, query, print, session.client);
  },
});

/** Prints lines as they come until Ctrl-C (exit 130) or the controller ends the stream (an error). */
async function follow(
  ctx: Context,
  app: string,
  query: LogQuery,
  print: (entry: LogEntry) => void,
  client: ControllerClient,
): Promise<void> {
  const interrupt = ctx.deps.interrupt;
  for await (const entry of client.logs.follow(app, query, interrupt)) print(entry);
  if (interrupt?.aborted) throw new Interrupted(`stopped following the logs of ${app}`);
  throw new CliError(`the controller ended the log stream of ${app}`, `run \`berth logs -f -a ${app}\` again to go on`);
}

export const commands: Command[] = [logs];
