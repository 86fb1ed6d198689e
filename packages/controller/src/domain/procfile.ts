import type { Procfile } from "@berth/api";
import { invalid } from "../errors.ts";
import { asObject } from "./validate.ts";

export const processTypePattern = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export function validateProcessType(type: string, field: string): void {
  if (type.length > 63 || !processTypePattern.test(type)) {
    throw invalid(field, `"${type.slice(0, 63)}" is not a valid process type`, "use lowercase letters and digits joined by dashes (web, worker, clock-2)");
  }
}

/** A procfile object from a request: type → non-empty command. */
export function validateProcfile(value: unknown, field = "procfile"): Procfile {
  if (value === undefined || value === null) return {};
  const body = asObject(value, field);
  const out: Procfile = {};
  for (const [type, command] of Object.entries(body)) {
    validateProcessType(type, `${field}.${type}`);
    if (typeof command !== "string" || command.trim() === "") throw invalid(`${field}.${type}`, "must be a non-empty command");
    if (command.length > 4096) throw invalid(`${field}.${type}`, "must be at most 4096 characters");
    out[type] = command;
  }
  return out;
}
