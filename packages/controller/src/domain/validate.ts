import { invalid } from "../errors.ts";

/** Small validators for JSON request bodies. Each names the field it rejects. */

export function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid(field, "must be a JSON object");
  return value as Record<string, unknown>;
}

export function onlyKeys(body: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) {
      throw invalid(field === "" ? key : `${field}.${key}`, "is not a known field", `known fields: ${allowed.join(", ")}`);
    }
  }
}

export function requiredString(body: Record<string, unknown>, key: string, max = 1024): string {
  const value = body[key];
  if (value === undefined || value === null) throw invalid(key, "is required");
  if (typeof value !== "string") throw invalid(key, "must be a string");
  if (value.length > max) throw invalid(key, `must be at most ${max} characters`);
  return value;
}

export function optionalString(body: Record<string, unknown>, key: string, max = 1024): string | undefined {
  if (body[key] === undefined || body[key] === null) return undefined;
  return requiredString(body, key, max);
}

export function optionalInteger(body: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw invalid(key, "must be an integer");
  if (value < min || value > max) throw invalid(key, `must be between ${min} and ${max}`);
  return value;
}

/** `?limit=&offset=` with defaults 100/0 and at most 1000 per page. */
export function pageQuery(query: Record<string, string | string[] | undefined>): { limit: number; offset: number } {
  const read = (key: string, fallback: number, max: number) => {
    const raw = query[key];
    if (raw === undefined || raw === "") return fallback;
    const text = Array.isArray(raw) ? raw[0] : raw;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0 || value > max) {
      throw invalid(key, `must be an integer between 0 and ${max}`);
    }
    return value;
  };
  return { limit: read("limit", 100, 1000), offset: read("offset", 0, Number.MAX_SAFE_INTEGER) };
}
