import { isIP } from "node:net";
import type { AppSettings, AppSettingsChange } from "@berth/api";
import { invalid } from "../errors.ts";
import { asObject, onlyKeys } from "../domain/validate.ts";
import type { AppSettingsRecord } from "../store/routing.ts";

export const defaultSettings: Omit<AppSettings, "app"> = {
  maintenance: false,
  routable: true,
  allowlist: [],
  connectTimeout: 5,
  readTimeout: 60,
};

export function settingsView(appId: string, row: AppSettingsRecord | undefined): AppSettings {
  if (row === undefined) return { app: appId, ...defaultSettings, allowlist: [] };
  return {
    app: appId,
    maintenance: row.maintenance === 1,
    routable: row.routable === 1,
    allowlist: [...row.allowlist],
    connectTimeout: row.connect_timeout,
    readTimeout: row.read_timeout,
  };
}

export function settingsRow(settings: AppSettings): AppSettingsRecord {
  return {
    app_id: settings.app,
    maintenance: settings.maintenance ? 1 : 0,
    routable: settings.routable ? 1 : 0,
    allowlist: settings.allowlist,
    connect_timeout: settings.connectTimeout,
    read_timeout: settings.readTimeout,
    updated: new Date().toISOString(),
  };
}

/** `10.0.0.0/8`, `203.0.113.7` (a /32), `2001:db8::/32`; normalised to address/prefix. */
export function validateCidr(value: unknown, field: string): string {
  if (typeof value !== "string") throw invalid(field, "must be a CIDR string like 203.0.113.0/24");
  const [address = "", prefix, extra] = value.split("/");
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const bits = prefix === undefined ? max : Number(prefix);
  if (family === 0 || extra !== undefined || !/^\d{0,3}$/.test(prefix ?? "") || !Number.isInteger(bits) || bits < 0 || bits > max) {
    throw invalid(field, `"${value.slice(0, 64)}" is not an IP address or CIDR`, "e.g. 203.0.113.0/24 or 2001:db8::/32");
  }
  return `${address.toLowerCase()}/${bits}`;
}

export function validateSettingsChange(body: unknown): AppSettingsChange {
  const change = asObject(body, "body");
  onlyKeys(change, ["maintenance", "routable", "allowlist", "connectTimeout", "readTimeout"], "");
  const out: AppSettingsChange = {};
  for (const key of ["maintenance", "routable"] as const) {
    if (change[key] === undefined) continue;
    if (typeof change[key] !== "boolean") throw invalid(key, "must be true or false");
    out[key] = change[key];
  }
  if (change.allowlist !== undefined) {
    if (!Array.isArray(change.allowlist)) throw invalid("allowlist", "must be a list of CIDRs");
    if (change.allowlist.length > 100) throw invalid("allowlist", "may hold at most 100 entries");
    out.allowlist = [...new Set(change.allowlist.map((c, i) => validateCidr(c, `allowlist.${i}`)))];
  }
  for (const [key, max] of [
    ["connectTimeout", 300],
    ["readTimeout", 3600],
  ] as const) {
    const value = change[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > max) {
      throw invalid(key, `must be a whole number of seconds from 1 to ${max}`);
    }
    out[key] = value;
  }
  return out;
}
