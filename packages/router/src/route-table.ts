import type { AppRoute, RouteTable } from "@berth/api";

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === "string");
const isMs = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;

function checkRoute(value: unknown, index: number): AppRoute {
  const where = `routes[${index}]`;
  if (typeof value !== "object" || value === null) throw new Error(`${where} is not an object`);
  const r = value as Record<string, unknown>;
  if (typeof r.app !== "string" || r.app === "") throw new Error(`${where}.app must be a non-empty string`);
  for (const key of ["hosts", "upstreams", "draining", "allowlist", "trustedProxies"] as const) {
    if (!isStrings(r[key])) throw new Error(`${where}.${key} (app "${r.app}") must be an array of strings`);
  }
  for (const key of ["maintenance", "routable"] as const) {
    if (typeof r[key] !== "boolean") throw new Error(`${where}.${key} (app "${r.app}") must be a boolean`);
  }
  for (const key of ["connectTimeoutMs", "readTimeoutMs"] as const) {
    if (!isMs(r[key])) throw new Error(`${where}.${key} (app "${r.app}") must be a positive number of milliseconds`);
  }
  return r as unknown as AppRoute;
}

/** Checks that parsed JSON is a {@link RouteTable}; throws an error naming the first bad field. */
export function parseRouteTable(value: unknown): RouteTable {
  if (typeof value !== "object" || value === null) throw new Error("route table is not a JSON object");
  const t = value as Record<string, unknown>;
  if (typeof t.version !== "number" || !Number.isSafeInteger(t.version) || t.version < 0) {
    throw new Error("route table version must be a non-negative integer");
  }
  if (!Array.isArray(t.routes)) throw new Error("route table routes must be an array");
  t.routes.forEach(checkRoute);
  return t as unknown as RouteTable;
}

/** The table a router has before it has heard from anyone. */
export const emptyTable: RouteTable = Object.freeze({ version: 0, routes: [] }) as RouteTable;
