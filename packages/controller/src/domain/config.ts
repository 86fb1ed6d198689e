import type { ConfigChange, Healthcheck, ProcessLimits } from "@berth/api";
import { invalid } from "../errors.ts";
import { validateProcessType } from "./procfile.ts";
import { asObject, onlyKeys } from "./validate.ts";

/** The parts of a config that a change can touch. */
export interface ConfigDocument {
  values: Record<string, string>;
  limits: Record<string, ProcessLimits>;
  healthchecks: Record<string, Healthcheck>;
}

export const MAX_CONFIG_VALUE_BYTES = 32 * 1024;
const MAX_KEYS = 500;
const envKey = /^[A-Za-z_][A-Za-z0-9_]*$/;
const memory = /^[1-9][0-9]{0,5}(\.[0-9]+)?[KMG]$/;
const cpu = /^([1-9][0-9]{0,5}m|[0-9]{1,3}(\.[0-9]{1,3})?)$/;

/** Checks a request body for `POST /config`; values and keys are never echoed into errors. */
export function validateConfigChange(body: unknown): ConfigChange {
  const change = asObject(body, "body");
  onlyKeys(change, ["values", "limits", "healthchecks"], "");
  const out: ConfigChange = {};
  if (change.values !== undefined) {
    const values = asObject(change.values, "values");
    if (Object.keys(values).length > MAX_KEYS) throw invalid("values", `at most ${MAX_KEYS} keys in one change`);
    const valuesOut: Record<string, string | null> = Object.create(null);
    out.values = valuesOut;
    for (const [key, value] of Object.entries(values)) {
      if (key.length > 256 || !envKey.test(key)) {
        throw invalid(
          `values.${key.slice(0, 64)}`,
          "is not a valid variable name",
          "use letters, digits and underscores, not starting with a digit",
        );
      }
      if (value !== null && typeof value !== "string") throw invalid(`values.${key}`, "must be a string, or null to unset");
      if (typeof value === "string" && Buffer.byteLength(value) > MAX_CONFIG_VALUE_BYTES) {
        throw invalid(`values.${key}`, `is larger than ${MAX_CONFIG_VALUE_BYTES / 1024} KiB`);
      }
      if (typeof value === "string" && value.includes("\0")) {
        // No process environment can carry it: the release could never start.
        throw invalid(`values.${key}`, "contains a NUL character, which no process environment can hold", "remove it from the value");
      }
      if (typeof value === "string") validateDeployValue(key, value);
      valuesOut[key] = value;
    }
  }
  if (change.limits !== undefined) {
    const limits = asObject(change.limits, "limits");
    const limitsOut: Record<string, ProcessLimits | null> = Object.create(null);
    out.limits = limitsOut;
    for (const [type, value] of Object.entries(limits)) {
      validateProcessType(type, `limits.${type}`);
      limitsOut[type] = value === null ? null : validateLimits(value, `limits.${type}`);
    }
  }
  if (change.healthchecks !== undefined) {
    const checks = asObject(change.healthchecks, "healthchecks");
    const checksOut: Record<string, Healthcheck | null> = Object.create(null);
    out.healthchecks = checksOut;
    for (const [type, value] of Object.entries(checks)) {
      validateProcessType(type, `healthchecks.${type}`);
      checksOut[type] = value === null ? null : validateHealthcheck(value, `healthchecks.${type}`);
    }
  }
  return out;
}

/** The rollout settings an app can set in its config (Deis's DEIS_DEPLOY_BATCHES/TIMEOUT, and BERTH_DEPLOY_WATCH). */
function validateDeployValue(key: string, value: string): void {
  if (key === "BERTH_DEPLOY_BATCHES" && !/^[1-9][0-9]{0,2}$/.test(value)) {
    throw invalid(`values.${key}`, "must be a whole number of instances per batch, from 1 to 999");
  }
  if (key === "BERTH_DEPLOY_TIMEOUT" && !(/^[0-9]{1,5}(\.[0-9]{1,3})?$/.test(value) && Number(value) > 0)) {
    throw invalid(`values.${key}`, "must be the seconds a batch may take to become ready, like 120");
  }
  if (key === "BERTH_DEPLOY_WATCH" && !(/^[0-9]{1,4}(\.[0-9]{1,3})?$/.test(value) && Number(value) <= 3600)) {
    throw invalid(`values.${key}`, "must be the seconds a ready release is watched for crashes, from 0 (no watch) to 3600, like 10");
  }
}

function validateLimits(value: unknown, field: string): ProcessLimits {
  const body = asObject(value, field);
  onlyKeys(body, ["memory", "cpu"], field);
  const out: ProcessLimits = {};
  if (body.memory !== undefined && body.memory !== null) {
    if (typeof body.memory !== "string" || !memory.test(body.memory)) {
      throw invalid(`${field}.memory`, "must be a size like 256M or 1G");
    }
    out.memory = body.memory;
  }
  if (body.cpu !== undefined && body.cpu !== null) {
    if (typeof body.cpu !== "string" || !cpu.test(body.cpu)) {
      throw invalid(`${field}.cpu`, "must be millicores like 500m or cores like 1 or 1.5");
    }
    out.cpu = body.cpu;
  }
  if (out.memory === undefined && out.cpu === undefined) throw invalid(field, "needs memory or cpu (or null to remove)");
  return out;
}

function validateHealthcheck(value: unknown, field: string): Healthcheck {
  const body = asObject(value, field);
  onlyKeys(body, ["path", "initialDelay", "timeout", "period", "failureThreshold"], field);
  const out: Healthcheck = {};
  if (body.path !== undefined && body.path !== null) {
    if (typeof body.path !== "string" || !/^\/[\x21-\x7e]{0,1023}$/.test(body.path)) {
      throw invalid(`${field}.path`, "must be a URL path starting with /");
    }
    out.path = body.path;
  }
  const seconds = (key: "initialDelay" | "timeout" | "period" | "failureThreshold", min: number, max: number) => {
    const raw = body[key];
    if (raw === undefined || raw === null) return;
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) {
      throw invalid(`${field}.${key}`, `must be an integer from ${min} to ${max}`);
    }
    out[key] = raw;
  };
  seconds("initialDelay", 0, 3600);
  seconds("timeout", 1, 300);
  seconds("period", 1, 300);
  seconds("failureThreshold", 1, 100);
  return out;
}

/** Applies a change to a config; returns the new document and what changed, for the release summary. */
export function applyConfigChange(previous: ConfigDocument, change: ConfigChange): { next: ConfigDocument; changes: string[] } {
  const changes: string[] = [];
  const merge = <T>(
    before: Record<string, T>,
    patch: Record<string, T | null> | undefined,
    describe: (key: string, verb: string) => string,
  ) => {
    // Prototype-free: a key such as `__proto__` is an entry like any other.
    const after: Record<string, T> = Object.assign(Object.create(null), before);
    for (const [key, value] of Object.entries(patch ?? {})) {
      const had = Object.hasOwn(before, key);
      if (value === null) {
        if (had) {
          delete after[key];
          changes.push(describe(key, "removed"));
        }
      } else if (!had) {
        after[key] = value;
        changes.push(describe(key, "added"));
      } else if (JSON.stringify(before[key]) !== JSON.stringify(value)) {
        after[key] = value;
        changes.push(describe(key, "changed"));
      }
    }
    return after;
  };
  const next: ConfigDocument = {
    values: merge(previous.values, change.values, (key, verb) => `${verb} ${key}`),
    limits: merge(previous.limits, change.limits, (type, verb) => `${verb} limits for ${type}`),
    healthchecks: merge(previous.healthchecks, change.healthchecks, (type, verb) => `${verb} healthcheck for ${type}`),
  };
  return { next, changes };
}
