import type { Condition, Pod, PodStatus } from "../kinds/shapes.ts";
import { timestamp } from "../meta.ts";
import type { ContainerRecord } from "./runtime.ts";

function condition(previous: Condition[] | undefined, type: string, ok: boolean, reason?: string, message?: string): Condition {
  const status = ok ? "True" : "False";
  const before = previous?.find((c) => c.type === type);
  const c: Condition = {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : timestamp(),
  };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/** The phase rule of the kubelet (getPhase): Pending until a container has started, terminal once all finished. */
function phaseOf(records: ContainerRecord[]): PodStatus["phase"] {
  if (records.length > 0 && records.every((r) => r.finished)) {
    return records.every((r) => r.state.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
  }
  const everStarted = records.some((r) => r.state.running || r.restartCount > 0 || r.state.terminated || r.lastState.terminated);
  return everStarted ? "Running" : "Pending";
}

/** The whole pod status as the kubelet writes it through `/status`. */
export function podStatus(pod: Pod, records: ContainerRecord[], address: { podIP: string; hostIP: string }): PodStatus {
  const previous = pod.status.conditions;
  const unready = records.filter((r) => !r.ready).map((r) => r.name);
  const allReady = unready.length === 0 && records.length > 0;
  const message = `containers with unready status: [${unready.join(" ")}]`;
  const status: PodStatus = {
    phase: phaseOf(records),
    conditions: [
      condition(previous, "PodReadyToStartContainers", true),
      condition(previous, "Initialized", true),
      condition(previous, "Ready", allReady, "ContainersNotReady", message),
      condition(previous, "ContainersReady", allReady, "ContainersNotReady", message),
      condition(previous, "PodScheduled", true),
    ],
    hostIP: address.hostIP,
    podIP: address.podIP,
    podIPs: [{ ip: address.podIP }],
    startTime: pod.status.startTime ?? timestamp(),
    containerStatuses: records.map((r) => {
      const s = {
        name: r.name,
        ready: r.ready,
        started: r.started,
        restartCount: r.restartCount,
        image: r.image,
        imageID: r.imageID,
        state: r.state,
        lastState: r.lastState,
      };
      return r.containerID ? { ...s, containerID: r.containerID } : s;
    }),
  };
  if (pod.status.qosClass) status.qosClass = pod.status.qosClass;
  return status;
}
