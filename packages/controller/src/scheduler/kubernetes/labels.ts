import type { GroupRef } from "../types.ts";

/** Marks every object Berth made, so it never touches anything else in a shared cluster. */
export const HERITAGE = { heritage: "berth" } as const;

/** Labels of a release's ReplicationController and its pods (`version` is the release number). */
export function groupLabels(group: GroupRef): Record<string, string> {
  return { app: group.app, type: group.type, version: String(group.release), ...HERITAGE };
}

/**
 * What a Service selects: the app and process type, not the version, so that old and new pods both
 * serve while the deployer scales one RC up and the other down.
 */
export function serviceSelector(app: string, type: string): Record<string, string> {
  return { app, type };
}

/** The RC's selector: one release's pods of one type. */
export function groupSelector(group: GroupRef): Record<string, string> {
  return { app: group.app, type: group.type, version: String(group.release) };
}

/** `a=b,c=d` for a list's labelSelector. */
export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/** The app's Berth objects, or one group's, as a labelSelector. */
export function berthSelector(group?: GroupRef): string {
  return selectorString(group === undefined ? HERITAGE : { ...groupSelector(group), ...HERITAGE });
}

/** Reads a group back from an object's labels; undefined when they are not Berth's. */
export function groupOf(labels: Record<string, string> | undefined): GroupRef | undefined {
  const release = Number(labels?.version);
  if (labels?.heritage !== HERITAGE.heritage || labels.app === undefined || labels.type === undefined || !Number.isInteger(release))
    return undefined;
  return { app: labels.app, type: labels.type, release };
}
