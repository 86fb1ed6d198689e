import { randomInt, randomUUID } from "node:crypto";

/** RFC 3339 at second precision, as metav1.Time serialises. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** RFC 3339 with nanosecond-style fraction, as pod log timestamps print. */
export function preciseTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/Z$/, "000000Z");
}

export function newUid(): string {
  return randomUUID();
}

const alphabet = "bcdfghjklmnpqrstvwxz2456789";

/** apimachinery util/rand.String: no vowels, no confusable characters. */
export function randomSuffix(length = 5): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** names.SimpleNameGenerator: the base truncated to 58 characters plus 5 random ones. */
export function generateName(base: string): string {
  return `${base.slice(0, 58)}${randomSuffix()}`;
}

/** Semantic JSON equality: key order does not matter, and an `undefined` member equals an absent one. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!sameJson(ra[k], rb[k])) return false;
  return true;
}
