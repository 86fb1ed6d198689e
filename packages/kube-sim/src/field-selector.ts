import { badRequest } from "./status.ts";
import type { KubeObject } from "./types.ts";

export interface FieldRequirement {
  field: string;
  op: "=" | "!=";
  value: string;
}

/** Fields each kind supports beyond `metadata.name` and `metadata.namespace` (pkg/apis/core/v1/conversion.go). */
const supported: Record<string, readonly string[]> = {
  Pod: [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.nominatedNodeName",
  ],
  Event: [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  ReplicationController: ["status.replicas"],
  Secret: ["type"],
  Namespace: ["status.phase"],
  Service: ["spec.clusterIP", "spec.type"],
  Endpoints: [],
};

/** Splits on an unescaped separator; `\` escapes `,`, `=` and `\`. */
function splitUnescaped(text: string, sep: string): string[] {
  const parts: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === sep) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

const unescapeValue = (s: string): string => s.replace(/\\(.)/g, "$1");

/** The first unescaped `!=`, `==` or `=` in a term, as [field, operator, value]. */
function splitTerm(term: string): [string, "=" | "!=", string] | undefined {
  for (let i = 0; i < term.length; i++) {
    const ch = term[i]!;
    if (ch === "\\") {
      i++;
      continue;
    }
    if (ch === "!" && term[i + 1] === "=") return [term.slice(0, i), "!=", term.slice(i + 2)];
    if (ch === "=") return [term.slice(0, i), "=", term.slice(term[i + 1] === "=" ? i + 2 : i + 1)];
  }
  return undefined;
}

export function parseFieldSelector(text: string | undefined, kind: string): FieldRequirement[] {
  if (text === undefined || text.trim() === "") return [];
  return splitUnescaped(text, ",").map((term) => {
    const parts = splitTerm(term);
    if (!parts) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    const field = parts[0].trim();
    const allowed = field === "metadata.name" || field === "metadata.namespace" || (supported[kind] ?? []).includes(field);
    if (!allowed) throw badRequest(`field label not supported: ${field}`);
    return { field, op: parts[1], value: unescapeValue(parts[2]) };
  });
}

function fieldValue(obj: KubeObject, field: string): string {
  if (field === "source") {
    const source = obj.source as { component?: string } | undefined;
    return source?.component ?? "";
  }
  let current: unknown = obj;
  for (const part of field.split(".")) {
    if (current === null || typeof current !== "object") return "";
    current = (current as Record<string, unknown>)[part];
  }
  if (current === undefined || current === null) return "";
  return String(current);
}

export function matchesFields(obj: KubeObject, requirements: FieldRequirement[]): boolean {
  return requirements.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === "="));
}
