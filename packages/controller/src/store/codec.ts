import type { Formation, Healthcheck, ProcessLimits, Procfile, RolloutProgress } from "@berth/api";
import { BerthError } from "../errors.ts";

/**
 * The JSON-text columns, decoded and checked in one place: what comes out is a typed, prototype-free
 * value (a key such as `constructor` or `__proto__` is an entry like any other), and a document that
 * is not what it should be is an error naming the column, never a value of the wrong type.
 */

function corrupt(what: string, why: string): BerthError {
  return new BerthError("INTERNAL", `the stored ${what} is not valid: ${why}`, {
    hint: "the database was changed by something other than Berth; restore it from a backup",
  });
}

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw corrupt(what, "not JSON");
  }
}

/** A JSON object whose every value passes `check`, copied into a prototype-free record. */
function record<T>(text: string, what: string, check: (value: unknown) => value is T, expected: string): Record<string, T> {
  const value = parse(text, what);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw corrupt(what, "not an object");
  const out: Record<string, T> = Object.create(null);
  for (const [key, entry] of Object.entries(value)) {
    if (!check(entry)) throw corrupt(what, `${key} is not ${expected}`);
    out[key] = entry;
  }
  return out;
}

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isString = (v: unknown): v is string => typeof v === "string";
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isLimits = (v: unknown): v is ProcessLimits =>
  isObject(v) && Object.entries(v).every(([k, x]) => (k === "memory" || k === "cpu") && typeof x === "string");
const checkKeys = ["path", "initialDelay", "timeout", "period", "failureThreshold"];
const isHealthcheck = (v: unknown): v is Healthcheck =>
  isObject(v) &&
  Object.entries(v).every(([k, x]) => checkKeys.includes(k) && (k === "path" ? typeof x === "string" : typeof x === "number"));

/** `apps.structure`: process type → replicas. */
export function decodeFormation(text: string): Formation {
  return record(text, "formation", isCount, "a number of instances");
}

/** `builds.procfile`: process type → command. */
export function decodeProcfile(text: string): Procfile {
  return record(text, "procfile", isString, "a command");
}

/** `configs.values`. */
export function decodeValues(text: string): Record<string, string> {
  return record(text, "config values", isString, "a string");
}

/** `configs.limits`: process type → limits. */
export function decodeLimits(text: string): Record<string, ProcessLimits> {
  return record(text, "limits", isLimits, "{memory?, cpu?}");
}

/** `configs.healthchecks`: process type → check. */
export function decodeHealthchecks(text: string): Record<string, Healthcheck> {
  return record(text, "healthchecks", isHealthcheck, "a healthcheck");
}

/** A JSON list of strings (`app_settings.allowlist`). */
export function decodeStrings(text: string, what: string): string[] {
  const value = parse(text, what);
  if (!Array.isArray(value) || !value.every(isString)) throw corrupt(what, "not a list of strings");
  return value;
}

/** `rollouts.plan`: the formation the rollout ends with, and the groups that ran before it (null until seen). */
export function decodePlan(text: string): { formation: Formation; previous: { release: number; type: string; replicas: number }[] | null } {
  const value = parse(text, "rollout plan");
  if (!isObject(value)) throw corrupt("rollout plan", "not an object");
  const formation = decodeFormation(JSON.stringify(value.formation ?? null));
  const previous = value.previous ?? null;
  const isGroup = (g: unknown) => isObject(g) && isCount(g.release) && isString(g.type) && isCount(g.replicas);
  if (previous !== null && !(Array.isArray(previous) && previous.every(isGroup))) {
    throw corrupt("rollout plan", "previous is not a list of {release, type, replicas}");
  }
  return { formation, previous: previous as { release: number; type: string; replicas: number }[] | null };
}

const phases: readonly string[] = ["rolling", "watching", "reverting"] satisfies RolloutProgress["phase"][];

/** `rollouts.progress`: how far a rollout has got. */
export function decodeProgress(text: string): RolloutProgress {
  const v = parse(text, "rollout progress");
  if (
    !isObject(v) ||
    !phases.includes(v.phase as string) ||
    !(v.type === null || isString(v.type)) ||
    !isCount(v.ready) ||
    !isCount(v.starting) ||
    !isCount(v.want)
  ) {
    throw corrupt("rollout progress", "not {phase, type, ready, starting, want}");
  }
  return { phase: v.phase as RolloutProgress["phase"], type: v.type as string | null, ready: v.ready, starting: v.starting, want: v.want };
}

/** The text a JSON column holds. */
export function encode(value: unknown): string {
  return JSON.stringify(value);
}
