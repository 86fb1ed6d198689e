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

/** `filters` for listContainers: the app's containers, or one group's. */
export function labelFilter(app: string, group?: Omit<GroupRef, "app">): { label: string[] } {
  const label = [`${LABEL.app}=${app}`];
  if (group !== undefined) label.push(`${LABEL.release}=${group.release}`, `${LABEL.type}=${group.type}`);
  return { label };
}
