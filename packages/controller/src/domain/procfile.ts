import { type Procfile, processTypeProblem } from "@berth/api";
import { invalid } from "../errors.ts";
import { asObject } from "./validate.ts";

export function validateProcessType(type: string, field: string): void {
  const problem = processTypeProblem(type);
  if (problem !== undefined) throw invalid(field, problem, "use lowercase letters and digits joined by dashes (web, worker, clock-2)");
}

/** A procfile object from a request: type → non-empty command. */
export function validateProcfile(value: unknown, field = "procfile"): Procfile {
  if (value === undefined || value === null) return {};
  const body = asObject(value, field);
  const out: Procfile = Object.create(null);
  for (const [type, command] of Object.entries(body)) {
    validateProcessType(type, `${field}.${type}`);
    if (typeof command !== "string" || command.trim() === "") throw invalid(`${field}.${type}`, "must be a non-empty command");
    if (command.length > 4096) throw invalid(`${field}.${type}`, "must be at most 4096 characters");
    out[type] = command;
  }
  return out;
}

/** Types whose instances serve `$PORT` and get a TCP readiness check by default (as in Deis). */
const routableTypes = ["web", "cmd"];

/** Whether instances of the type serve requests through the router. */
export function isRoutable(type: string): boolean {
  return routableTypes.includes(type);
}
