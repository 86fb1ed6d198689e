import { KubeError, badRequest, unsupportedMediaType } from "./status.ts";

type Value = unknown;
type Dict = Record<string, unknown>;

const isDict = (v: Value): v is Dict => v !== null && typeof v === "object" && !Array.isArray(v);

export const PatchType = {
  Json: "application/json-patch+json",
  Merge: "application/merge-patch+json",
  StrategicMerge: "application/strategic-merge-patch+json",
} as const;
export type PatchType = (typeof PatchType)[keyof typeof PatchType];

export function patchTypeOf(contentType: string | undefined): PatchType {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === PatchType.Json || type === PatchType.Merge || type === PatchType.StrategicMerge) return type;
  throw unsupportedMediaType(type);
}

/** RFC 7386: maps merge, `null` deletes, everything else (lists included) replaces. */
export function mergePatch(target: Value, patch: Value): Value {
  if (!isDict(patch)) return structuredClone(patch);
  const result: Dict = isDict(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}

/**
 * Merge keys of the lists Berth touches (api core/v1 types.go `patchMergeKey`), by list field name.
 * `ports` means container ports except directly under a Service spec.
 */
function mergeKeyFor(path: string[], field: string): string | undefined {
  switch (field) {
    case "containers":
    case "initContainers":
    case "volumes":
    case "imagePullSecrets":
    case "env":
      return "name";
    case "volumeMounts":
      return "mountPath";
    case "ownerReferences":
      return "uid";
    case "conditions":
      return "type";
    case "ports":
      return path.length === 1 && path[0] === "spec" && !path.includes("containers") ? "port" : "containerPort";
    default:
      return undefined;
  }
}

/** `metadata.finalizers` merge as a set. */
const setLists = new Set(["finalizers"]);

function strategicList(path: string[], field: string, target: Value, patch: Value[]): Value {
  const current = Array.isArray(target) ? target : [];
  if (setLists.has(field)) return [...new Set([...current, ...patch])];
  const mergeKey = mergeKeyFor(path, field);
  if (!mergeKey) return structuredClone(patch);
  if (patch.some((item) => isDict(item) && item.$patch === "replace")) {
    return patch.filter((item) => !(isDict(item) && item.$patch === "replace")).map((item) => structuredClone(item));
  }
  const result = current.map((item) => structuredClone(item));
  for (const item of patch) {
    if (!isDict(item)) throw badRequest(`strategic merge patch: an element of ${field} is not an object`);
    const id = item[mergeKey];
    if (id === undefined) throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const at = result.findIndex((existing) => isDict(existing) && existing[mergeKey] === id);
    if (item.$patch === "delete") {
      if (at >= 0) result.splice(at, 1);
    } else if (at >= 0) result[at] = strategicMerge(result[at], item, [...path, field]);
    else result.push(strategicMerge({}, item, [...path, field]));
  }
  return result;
}

/**
 * Strategic merge patch (community strategic-merge-patch.md) for the lists above: elements merge by
 * key, `$patch: delete|replace` apply, `$setElementOrder/…` and `$retainKeys` are accepted and
 * ignored, `null` deletes a key; lists without a merge key are replaced whole, as in a merge patch.
 */
export function strategicMerge(target: Value, patch: Value, path: string[] = []): Value {
  if (!isDict(patch)) return structuredClone(patch);
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === "delete") return undefined;
  const result: Dict = isDict(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$setElementOrder/") || k === "$retainKeys" || k === "$patch") continue;
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const field = k.slice("$deleteFromPrimitiveList/".length);
      const drop = Array.isArray(v) ? v : [];
      if (Array.isArray(result[field])) result[field] = (result[field] as Value[]).filter((x) => !drop.includes(x));
      continue;
    }
    if (v === null) delete result[k];
    else if (Array.isArray(v)) result[k] = strategicList(path, k, result[k], v);
    else if (isDict(v)) {
      const merged = strategicMerge(result[k], v, [...path, k]);
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    } else result[k] = v;
  }
  return result;
}

interface Operation {
  op: string;
  path: string;
  value?: Value;
  from?: string;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`json patch: invalid path "${path}"`);
  return path
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function parentOf(doc: Value, parts: string[], path: string): { parent: Dict | Value[]; last: string } {
  let node = doc;
  for (const part of parts.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(part)] : isDict(node) ? node[part] : undefined;
    if (node === undefined || node === null || typeof node !== "object")
      throw new KubeError(422, "Invalid", `json patch: path "${path}" does not exist`);
  }
  return { parent: node as Dict | Value[], last: parts.at(-1)! };
}

function getAt(doc: Value, path: string): Value {
  let node = doc;
  for (const part of pointer(path)) node = Array.isArray(node) ? node[Number(part)] : isDict(node) ? node[part] : undefined;
  return node;
}

/** RFC 6902 `add`, `remove`, `replace`, `test`, `copy`, `move`. */
export function jsonPatch(target: Value, operations: Value): Value {
  if (!Array.isArray(operations)) throw badRequest("json patch: the body must be a list of operations");
  let doc = structuredClone(target);
  for (const raw of operations as Operation[]) {
    const parts = pointer(raw.path);
    const value = raw.op === "copy" || raw.op === "move" ? structuredClone(getAt(doc, raw.from ?? "")) : raw.value;
    if (raw.op === "test") {
      if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
        throw new KubeError(422, "Invalid", `json patch: test operation failed at "${raw.path}"`);
      }
      continue;
    }
    if (raw.op === "move") doc = jsonPatch(doc, [{ op: "remove", path: raw.from ?? "" }]);
    if (parts.length === 0) {
      doc = raw.op === "remove" ? null : structuredClone(value);
      continue;
    }
    const { parent, last } = parentOf(doc, parts, raw.path);
    if (Array.isArray(parent)) {
      const index = last === "-" ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length)
        throw new KubeError(422, "Invalid", `json patch: index out of range at "${raw.path}"`);
      if (raw.op === "add" || raw.op === "copy" || raw.op === "move") parent.splice(index, 0, structuredClone(value));
      else if (raw.op === "replace") parent[index] = structuredClone(value);
      else if (raw.op === "remove") parent.splice(index, 1);
      else throw badRequest(`json patch: unknown operation "${raw.op}"`);
    } else {
      if ((raw.op === "replace" || raw.op === "remove") && !Object.hasOwn(parent, last)) {
        throw new KubeError(422, "Invalid", `json patch: path "${raw.path}" does not exist`);
      }
      if (raw.op === "add" || raw.op === "replace" || raw.op === "copy" || raw.op === "move") parent[last] = structuredClone(value);
      else if (raw.op === "remove") delete parent[last];
      else throw badRequest(`json patch: unknown operation "${raw.op}"`);
    }
  }
  return doc;
}

export function applyPatch(type: PatchType, target: Value, patch: Value): Value {
  if (type === PatchType.Json) return jsonPatch(target, patch);
  if (!isDict(patch)) throw badRequest("the patch body must be a JSON object");
  return type === PatchType.Merge ? mergePatch(target, patch) : strategicMerge(target, patch);
}
