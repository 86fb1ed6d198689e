import type { GroupRef } from "./types.ts";

/** `myapp-v3-web`: the name of a replica group on every scheduler. */
export function groupName(group: GroupRef): string {
  return `${group.app}-v${group.release}-${group.type}`;
}

/** `myapp-v3-web-2`: the name of the group's instance number `index`. */
export function instanceName(group: GroupRef, index: number): string {
  return `${groupName(group)}-${index}`;
}

export function sameGroup(a: GroupRef, b: GroupRef): boolean {
  return a.app === b.app && a.release === b.release && a.type === b.type;
}
