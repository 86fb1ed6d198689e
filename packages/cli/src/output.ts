/** Where a command writes: a stream that may be a terminal. */
export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof codes;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ansi = /\u001b\[[0-9;]*m/g;

/** Display width of a string, ignoring colour codes. */
export function width(text: string): number {
  return [...text.replace(ansi, "")].length;
}

/** Writes plain, stable text; styles become ANSI colours only when `color` is on. */
export class Printer {
  readonly stream: OutputStream;
  readonly color: boolean;

  constructor(stream: OutputStream, color: boolean) {
    this.stream = stream;
    this.color = color;
  }

  style(style: Style, text: string): string {
    if (!this.color) return text;
    const [open, close] = codes[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  line(text = ""): void {
    this.stream.write(`${text}\n`);
  }

  json(value: unknown): void {
    this.line(JSON.stringify(value, null, 2));
  }

  /** `=== title`, Deis's heading. */
  heading(text: string): void {
    this.line(this.style("bold", `=== ${text}`));
  }

  /** Columns aligned on the widest cell; the header in capitals (bold on a terminal). */
  table(headers: string[], rows: string[][]): void {
    const widths = headers.map((header, i) => Math.max(width(header), ...rows.map((row) => width(row[i] ?? ""))));
    const format = (cells: string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) - width(cell))))
        .join("  ")
        .trimEnd();
    this.line(this.style("bold", format(headers.map((header) => header.toUpperCase()))));
    for (const row of rows) this.line(format(row));
  }

  /** `key:  value` lines with the values aligned. */
  fields(pairs: [string, string][]): void {
    const pad = Math.max(...pairs.map(([key]) => width(key))) + 1;
    for (const [key, value] of pairs) this.line(`${this.style("dim", `${key}:`.padEnd(pad + 1))} ${value}`.trimEnd());
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org) or TERM is dumb. */
export function wantsColor(stream: OutputStream, env: Record<string, string | undefined>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}
