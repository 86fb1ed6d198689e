import { badRequest } from "./status.ts";

/** One requirement of a label selector (apimachinery pkg/labels/selector.go). */
export type Requirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!" }
  | { key: string; op: ">" | "<"; value: number };

export type LabelSelector = Requirement[];

const keyPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function fail(text: string, why: string): never {
  throw badRequest(`unable to parse requirement: ${why} (in label selector "${text}")`);
}

/** Splits on commas that are not inside a `( … )` value set. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim());
}

function checkKey(text: string, key: string): string {
  if (!keyPattern.test(key)) fail(text, `invalid label key "${key}"`);
  return key;
}

function checkValue(text: string, value: string): string {
  if (value.length > 63 || !valuePattern.test(value)) fail(text, `invalid label value "${value}"`);
  return value;
}

function parseTerm(text: string, term: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (set) {
    const values = set[3]!.split(",").map((v) => checkValue(text, v.trim()));
    return { key: checkKey(text, set[1]!), op: set[2] as "in" | "notin", values };
  }
  if (term.startsWith("!")) return { key: checkKey(text, term.slice(1).trim()), op: "!" };
  const cmp = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/.exec(term);
  if (cmp) {
    const key = checkKey(text, cmp[1]!);
    const op = cmp[2]!;
    const raw = cmp[3]!.trim();
    if (op === "<" || op === ">") {
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw)) fail(text, `for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, op, value: n };
    }
    return { key, op: op === "!=" ? "!=" : "=", value: checkValue(text, raw) };
  }
  if (/^\S+$/.test(term)) return { key: checkKey(text, term), op: "exists" };
  return fail(text, `found '${term}', expected: identifier`);
}

/** Parses `app=shop,release in (v3,v4),!canary`; an empty selector matches everything. */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (text === undefined || text.trim() === "") return [];
  return splitTerms(text).map((term) => {
    if (term === "") fail(text, "found '', expected: identifier");
    return parseTerm(text, term);
  });
}

export function matchesRequirement(labels: Record<string, string>, r: Requirement): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case "=":
      return has && value === r.value;
    case "!=":
      return !has || value !== r.value;
    case "in":
      return has && r.values.includes(value!);
    case "notin":
      return !has || !r.values.includes(value!);
    case "exists":
      return has;
    case "!":
      return !has;
    case ">":
      return has && /^-?\d+$/.test(value!) && Number(value) > r.value;
    case "<":
      return has && /^-?\d+$/.test(value!) && Number(value) < r.value;
  }
}

export function matchesLabels(labels: Record<string, string> | undefined, selector: LabelSelector): boolean {
  return selector.every((r) => matchesRequirement(labels ?? {}, r));
}

/** An equality map (RC and Service selectors) as a selector; `{}` selects everything. */
export function selectorFromMap(map: Record<string, string>): LabelSelector {
  return Object.entries(map).map(([key, value]) => ({ key, op: "=" as const, value }));
}

/** The map as a selector string, keys sorted, as the Scale subresource reports it. */
export function formatSelectorMap(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${map[k]}`)
    .join(",");
}
