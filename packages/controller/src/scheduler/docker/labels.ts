import type { GroupRef, ReadinessCheck } from "../types.ts";

/** Every label the docker scheduler puts on a container, in one place. */
export const LABEL = {
  app: "berth.app",
  release: "berth.release",
  type: "berth.type",
  index: "berth.index",
  /** The port the instance listens on (`$PORT`): on the host (host networking) or at its own address (bridge). */
  port: "berth.port",
  /** JSON {@link ReadinessCheck}: the engine keeps it, so a restarted controller can still probe. */
  readiness: "berth.readiness",
} as const;

export function instanceLabels(group: GroupRef, index: number, readiness: ReadinessCheck): Record<string, string> {
  return {
    [LABEL.app]: group.app,
    [LABEL.release]: String(group.release),
    [LABEL.type]: group.type,
    [LABEL.index]: String(index),
    [LABEL.readiness]: JSON.stringify(readiness),
  };
}

const MODES: readonly ReadinessCheck["mode"][] = ["http", "tcp", "running"];

/**
 * The readiness check a container's label holds. A label that is missing, not JSON or of the wrong
 * shape (a container made by hand, or by another version) is a TCP check with the usual timings, and
 * each field that is not what it should be takes its usual value.
 */
export function readinessFromLabel(label: string | undefined): ReadinessCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(label ?? "{}");
  } catch {
    raw = {};
  }
  const found = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>) : {};
  const seconds = (key: string, usual: number) => {
    const value = Object.hasOwn(found, key) ? found[key] : undefined;
    return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : usual;
  };
  const mode = MODES.find((m) => m === found.mode) ?? "tcp";
  return {
    mode,
    path: mode === "http" && typeof found.path === "string" ? found.path : undefined,
    initialDelay: seconds("initialDelay", 0),
    timeout: seconds("timeout", 2),
    period: seconds("period", 2),
    failureThreshold: seconds("failureThreshold", 3),
  };
}

/** `filters` for listContainers: the app's containers, or one group's. */
export function labelFilter(app: string, group?: Omit<GroupRef, "app">): { label: string[] } {
  const label = [`${LABEL.app}=${app}`];
  if (group !== undefined) label.push(`${LABEL.release}=${group.release}`, `${LABEL.type}=${group.type}`);
  return { label };
}
