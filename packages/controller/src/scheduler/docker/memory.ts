import type { ContainerStats } from "dockerode";
import type { MemoryUse } from "../types.ts";

/**
 * What a container uses, as `docker stats` counts it: its cgroup's usage less the page cache it may
 * give back (`inactive_file` on cgroup v2, `total_inactive_file` on v1). Null for a container that
 * is not running (the engine reports no usage).
 */
export function usedBytes(stats: ContainerStats): number | null {
  const memory = stats.memory_stats as Partial<ContainerStats["memory_stats"]> | undefined;
  if (memory?.usage === undefined) return null;
  const inner = (memory.stats ?? {}) as Partial<Record<string, number>>;
  const cache = inner.inactive_file ?? inner.total_inactive_file ?? 0;
  return Math.max(0, memory.usage - cache);
}

/** Adds one instance's figures into its process type's (limits add up too; one without a limit leaves the type without one). */
export function addMemory(into: Map<string, MemoryUse>, type: string, used: number, limit: number | null): void {
  const current = into.get(type);
  if (current === undefined) {
    into.set(type, { usedBytes: used, limitBytes: limit, instances: 1 });
    return;
  }
  current.usedBytes += used;
  current.limitBytes = current.limitBytes === null || limit === null ? null : current.limitBytes + limit;
  current.instances++;
}
