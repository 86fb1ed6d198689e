import type { V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { GroupRef, Instance, InstanceState } from "../types.ts";
import { groupOf } from "./labels.ts";

/** A pod's latest telling warning event (see `podWarnings`). */
export interface PodWarning {
  reason: string;
  text: string;
}

/** Waiting reasons that mean the pod will not run without a change (the deployer fails the rollout). */
const fatalWaiting = new Set([
  "CrashLoopBackOff",
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

function iso(value: Date | string | undefined): string | null {
  if (value === undefined) return null;
  return value instanceof Date ? value.toISOString() : value;
}

function stateOf(pod: V1Pod, status: V1ContainerStatus | undefined): InstanceState {
  if (pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed") return "exited";
  if (status?.state?.running !== undefined) return "running";
  if (status?.state?.terminated !== undefined) return "exited";
  if (status?.state?.waiting?.reason === "CrashLoopBackOff") return "restarting";
  return "starting";
}

/**
 * Why the pod cannot run, in Kubernetes' own words (`ImagePullBackOff: Back-off pulling image …`), or
 * undefined while it runs or may still start. An unschedulable pod counts too: nothing will place it.
 */
export function podFailure(pod: V1Pod, warning?: PodWarning): string | undefined {
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (waiting?.reason !== undefined && fatalWaiting.has(waiting.reason)) {
      return waiting.message ? `${waiting.reason}: ${waiting.message}` : waiting.reason;
    }
  }
  // A liveness kill looks like any exit in the status; the kubelet's event says why it happened.
  const restarted = (pod.status?.containerStatuses ?? []).some(
    (s) => s.restartCount > 0 || s.state?.terminated !== undefined || s.lastState?.terminated !== undefined,
  );
  if (warning?.reason === "Unhealthy" && restarted) return warning.text;
  if (warning?.reason === "FailedScheduling" && pod.spec?.nodeName === undefined) return warning.text;
  const scheduled = pod.status?.conditions?.find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    return `FailedScheduling: ${scheduled.message ?? "no node can run the pod"}`;
  }
  return undefined;
}

function exitCode(status: V1ContainerStatus | undefined): number | null {
  return status?.state?.terminated?.exitCode ?? status?.lastState?.terminated?.exitCode ?? null;
}

/** Pods being deleted no longer count: the RC has replaced them already, as in `kubectl get rc`. */
export function isActive(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp === undefined;
}

/**
 * A group's active pods as instances, numbered from 1 in creation order (Kubernetes names pods with
 * a random suffix; the number is what `web.1` log tags and `ps` show).
 */
export function podInstances(group: GroupRef, pods: V1Pod[], warnings: ReadonlyMap<string, PodWarning> = new Map()): Instance[] {
  const sorted = [...pods].sort(
    (a, b) =>
      (iso(a.metadata?.creationTimestamp) ?? "").localeCompare(iso(b.metadata?.creationTimestamp) ?? "") ||
      (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? ""),
  );
  return sorted.map((pod, i) => {
    const status = pod.status?.containerStatuses?.[0];
    const state = stateOf(pod, status);
    const restarts = (pod.status?.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0);
    const ready = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
    const port = pod.spec?.containers[0]?.ports?.[0]?.containerPort;
    const ip = pod.status?.podIP;
    const failure = podFailure(pod, warnings.get(pod.metadata?.uid ?? ""));
    return {
      ...group,
      name: pod.metadata?.name ?? "",
      index: i + 1,
      state,
      ready: ready && state === "running",
      started: iso(status?.state?.running?.startedAt),
      restarts,
      exitCode: state === "exited" || state === "restarting" || restarts > 0 ? exitCode(status) : null,
      address: ip === undefined || port === undefined ? null : `${ip}:${port}`,
      ...(failure === undefined ? {} : { failure }),
    };
  });
}

/** The group a pod belongs to, from its labels. */
export function podGroup(pod: V1Pod): GroupRef | undefined {
  return groupOf(pod.metadata?.labels);
}
