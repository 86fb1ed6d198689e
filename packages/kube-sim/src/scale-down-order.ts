import { type Pod, isPodReady } from "./kinds/shapes.ts";

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readySince(pod: Pod): number {
  return Date.parse(pod.status.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? "") || 0;
}

/** The `controller.kubernetes.io/pod-deletion-cost` annotation: an int32, 0 when absent or not one. */
export const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

function deletionCost(pod: Pod): number {
  const value = pod.metadata.annotations?.[POD_DELETION_COST];
  if (value === undefined || !/^-?\d+$/.test(value)) return 0;
  const cost = Number(value);
  return cost >= -(2 ** 31) && cost < 2 ** 31 ? cost : 0;
}

const restarts = (pod: Pod): number => (pod.status.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0);

/**
 * The pods to delete first when scaling down (controller.ActivePods ordering): unscheduled, then
 * Pending < Unknown < Running, then not ready, then a lower pod-deletion-cost, then ready more recently,
 * then more restarts, then newer.
 */
export function scaleDownOrder(pods: Pod[]): Pod[] {
  return [...pods].sort((a, b) => {
    const scheduled = Number(Boolean(a.spec.nodeName)) - Number(Boolean(b.spec.nodeName));
    if (scheduled !== 0) return scheduled;
    const phase = (phaseRank[a.status.phase] ?? 0) - (phaseRank[b.status.phase] ?? 0);
    if (phase !== 0) return phase;
    const ready = Number(isPodReady(a)) - Number(isPodReady(b));
    if (ready !== 0) return ready;
    const cost = deletionCost(a) - deletionCost(b);
    if (cost !== 0) return cost;
    if (isPodReady(a) && isPodReady(b) && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    return Date.parse(b.metadata.creationTimestamp ?? "") - Date.parse(a.metadata.creationTimestamp ?? "");
  });
}
