import { CliError } from "../errors.ts";

const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\", $: "$" };

/**
 * Parses a `.env` file: `KEY=value`, `export KEY=value`, `KEY="with \"escapes\"\nand newlines"`,
 * `KEY='literal'`, `#` comments. Double-quoted values may span lines.
 */
export function parseDotenv(text: string, source = ".env"): Record<string, string> {
  const values: Record<string, string> = {};
  let i = 0;
  let line = 1;
  const fail = (what: string, at = line): never => {
    throw new CliError(`${source}:${at}: ${what}`, 'lines look like KEY=value, KEY="quoted\\nvalue" or # comment');
  };
  while (i < text.length) {
    const end = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    const raw = text.slice(i, end);
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      i = end + 1;
      line++;
      continue;
    }
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(raw);
    if (!match?.[1]) fail(`"${trimmed.slice(0, 40)}" is not KEY=value`);
    const key = match?.[1] ?? "";
    i += match?.[0].length ?? 0;
    const quote = text[i];
    if (quote === '"' || quote === "'") {
      const start = line;
      let value = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== quote; j++) {
        const char = text[j] ?? "";
        if (char === "\n") line++;
        if (quote === '"' && char === "\\" && j + 1 < text.length) {
          const next = text[j + 1] ?? "";
          value += escapes[next] ?? `\\${next}`;
          j++;
        } else value += char;
      }
      if (j >= text.length) fail(`the value of ${key} has no closing ${quote}`, start);
      const rest = text.indexOf("\n", j) < 0 ? text.length : text.indexOf("\n", j);
      const after = text.slice(j + 1, rest).trim();
      if (after !== "" && !after.startsWith("#")) fail(`unexpected "${after.slice(0, 20)}" after the value of ${key}`);
      values[key] = value;
      i = rest + 1;
    } else {
      const value = text
        .slice(i, end)
        .replace(/\s+#.*$/, "")
        .trim();
      values[key] = value;
      i = end + 1;
    }
    line++;
  }
  return values;
}

/** Writes values so that parseDotenv gives them back exactly: double quotes, escaped. */
export function serializeDotenv(values: Record<string, string>): string {
  const quote = (value: string) =>
    `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n").replaceAll("\r", "\\r").replaceAll("$", "\\$")}"`;
  return Object.keys(values)
    .sort()
    .map((key) => `${key}=${quote(values[key] ?? "")}\n`)
    .join("");
}
