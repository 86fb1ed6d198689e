const MASK = "[redacted]";
/** Values shorter than this are left alone: `1` or `true` would mask half of any message. */
const MIN_SECRET = 4;

function regexpLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Masks an app's config values in text that came from an engine or a cluster (an error that echoes
 * the environment entry it refused, say) before it is stored, shown or logged: `KEY=<anything>` for
 * each of the app's keys, and every value of four characters or more wherever it appears.
 */
export function redactConfig(text: string, values: Readonly<Record<string, string>>): string {
  let out = text;
  const secrets = Object.values(values)
    .filter((v) => v.length >= MIN_SECRET)
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(MASK);
  const keys = Object.keys(values);
  if (keys.length > 0) {
    // Short values too, in the entries engines echo: up to a quote, whitespace or punctuation.
    const entry = new RegExp(`\\b(${keys.map(regexpLiteral).join("|")})=[^"'\\s),;]*`, "g");
    out = out.replace(entry, `$1=${MASK}`);
  }
  return out;
}
