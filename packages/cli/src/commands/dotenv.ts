import { parse } from "dotenv";
import { CliError } from "../errors.ts";

const lineHint = 'lines look like KEY=value, KEY="quoted\\nvalue" or # comment';

/** The start of a line dotenv reads as a value: `KEY=`, `export KEY=` or `KEY: `. */
const assignment = /^\s*(?:export\s+)?([\w.-]+)(?:\s*=|:\s)/;

/** Whether `text` holds `quote` not escaped by a backslash (dotenv lets `\"` stand inside "..."). */
function hasClosing(text: string, quote: string): boolean {
  for (let i = 0; i < text.length; i++) if (text[i] === quote && text[i - 1] !== "\\") return true;
  return false;
}

/**
 * What dotenv passes over in silence: a line that is not KEY=value (it skips it) and a quoted value
 * that never closes (it keeps the quote as part of the value). Either is most likely a mistake.
 */
function checkLines(text: string, source: string): void {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const fail = (at: number, what: string): never => {
    throw new CliError(`${source}:${at + 1}: ${what}`, lineHint);
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const match = assignment.exec(line) ?? fail(i, `"${trimmed.slice(0, 40)}" is not KEY=value`);
    const value = line.slice(match[0].length).trimStart();
    const quote = value[0] ?? "";
    if (!['"', "'", "`"].includes(quote) || hasClosing(value.slice(1), quote)) continue;
    // A quoted value may span lines: it ends on the next line that holds its quote.
    const start = i;
    do i++;
    while (i < lines.length && !hasClosing(lines[i] ?? "", quote));
    if (i >= lines.length) fail(start, `the value of ${match[1]} has no closing ${quote}`);
  }
}

/**
 * Parses a `.env` file with dotenv (`KEY=value`, `export KEY=value`, `'literal'`, `"\n escapes"`,
 * quoted values over several lines, `#` comments); what dotenv would skip is an error naming the line.
 */
export function parseDotenv(text: string, source = ".env"): Record<string, string> {
  checkLines(text, source);
  return parse(text);
}

/**
 * Ways to write a value, most readable first. dotenv knows no escape but `\n` and `\r` in double
 * quotes, and none for a quote or a backslash, so which one reads a value back depends on the value.
 */
const writings: ((value: string) => string)[] = [
  (value) => `"${value.replaceAll("\n", "\\n").replaceAll("\r", "\\r")}"`,
  (value) => `'${value}'`,
  (value) => `\`${value}\``,
  (value) => `"${value}"`,
  // The only way to end a value with a backslash: quoted, dotenv reads `\"` as an escaped quote.
  (value) => value,
];

/**
 * Lines that follow a value when it is checked. A value whose closing quote dotenv takes for an
 * escaped one (`"…\"`) runs on to the next line that has its quote followed by a comment, so the
 * check puts one of each quote there: a writing that swallows them is not taken.
 */
const followers = "Q1=\" #\"\nQ2=' #'\nQ3=` #`";

/** `KEY=…` for one value, in the first writing that dotenv itself reads back as the same value. */
function assign(key: string, value: string): string {
  for (const write of writings) {
    const read = parse(`K=${write(value)}\n${followers}`);
    if (read.K === value && read.Q1 === " #" && read.Q2 === " #" && read.Q3 === " #") return `${key}=${write(value)}`;
  }
  throw new CliError(
    `the value of ${key} cannot be written to a .env file so that it reads back the same`,
    `dotenv has no escape for a quote or a backslash, and reads a carriage return as a line break; keep ${key} out of .env and set it with \`berth config:set\``,
  );
}

/** Writes values so that parseDotenv gives them back exactly, one per line, sorted by key. */
export function serializeDotenv(values: Record<string, string>): string {
  return Object.keys(values)
    .sort()
    .map((key) => `${assign(key, values[key] ?? "")}\n`)
    .join("");
}
