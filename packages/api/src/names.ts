/**
 * Process type names (`web`, `worker`, `clock-2`): lowercase letters and digits joined by dashes, at
 * most 63 characters, since they become part of container and Kubernetes object names
 * (`<app>-v3-web`). Names an object already has by inheritance (`constructor`) are refused, so that no
 * lookup by a user's type name can read something no user wrote.
 */
export const PROCESS_TYPE_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** What is wrong with a process type name, or undefined when it is a good one (callers add how to name one). */
export function processTypeProblem(type: string): string | undefined {
  if (type.length > 63 || !PROCESS_TYPE_PATTERN.test(type)) {
    return `"${type.slice(0, 63)}" is not a valid process type`;
  }
  if (type in Object.prototype) return `"${type}" is a reserved name; pick another process type name`;
  return undefined;
}
