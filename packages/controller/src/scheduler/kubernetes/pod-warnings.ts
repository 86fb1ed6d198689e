import type { CoreV1Event } from "@kubernetes/client-node";
import type { PodWarning } from "./pods.ts";

function when(event: CoreV1Event): string {
  const time = event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp;
  return time instanceof Date ? time.toISOString() : String(time ?? "");
}

/** Warnings that say why a pod cannot run or was restarted, in the words of the kubelet or scheduler. */
function telling(event: CoreV1Event): boolean {
  if (event.type !== "Warning" || event.involvedObject.kind !== "Pod") return false;
  if (event.reason === "FailedScheduling") return true;
  return event.reason === "Unhealthy" && (event.message ?? "").startsWith("Liveness probe failed");
}

/**
 * The latest telling warning of each pod, by pod uid, as `Reason: message`
 * (`Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404`).
 */
export function podWarnings(events: CoreV1Event[]): Map<string, PodWarning> {
  const latest = new Map<string, CoreV1Event>();
  for (const event of events.filter(telling)) {
    const uid = event.involvedObject.uid ?? "";
    const before = latest.get(uid);
    if (before === undefined || when(before) <= when(event)) latest.set(uid, event);
  }
  return new Map(
    [...latest].map(([uid, e]) => [uid, { reason: e.reason ?? "", text: `${e.reason ?? "Warning"}: ${e.message ?? ""}`.trim() }]),
  );
}
