import type { V1Pod, V1PodStatus } from "@kubernetes/client-node";
import test from "ava";
import { podWarnings } from "../src/scheduler/kubernetes/pod-warnings.ts";
import { parseLogLines } from "../src/scheduler/kubernetes/logs.ts";
import { podFailure, podInstances } from "../src/scheduler/kubernetes/pods.ts";

const group = { app: "shop", release: 3, type: "web" };

function pod(name: string, created: string, status: V1PodStatus, extra: Partial<NonNullable<V1Pod["metadata"]>> = {}): V1Pod {
  return {
    metadata: { name, creationTimestamp: new Date(created), ...extra },
    spec: { containers: [{ name: "web", ports: [{ containerPort: 5000 }] }] },
    status,
  };
}

const running = (restartCount = 0): V1PodStatus => ({
  phase: "Running",
  podIP: "10.0.0.7",
  conditions: [{ type: "Ready", status: "True" }],
  containerStatuses: [
    {
      name: "web",
      image: "x",
      imageID: "",
      ready: true,
      restartCount,
      state: { running: { startedAt: new Date("2026-01-01T00:00:05Z") } },
      ...(restartCount > 0 ? { lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } } } : {}),
    },
  ],
});

const waiting = (reason: string, message: string): V1PodStatus => ({
  phase: "Pending",
  conditions: [{ type: "Ready", status: "False" }],
  containerStatuses: [{ name: "web", image: "x", imageID: "", ready: false, restartCount: 0, state: { waiting: { reason, message } } }],
});

test("numbers a group's pods in creation order and reads state, readiness, restarts and address", (t) => {
  const instances = podInstances(group, [
    pod("shop-v3-web-zzz", "2026-01-01T00:00:02Z", running(2)),
    pod("shop-v3-web-aaa", "2026-01-01T00:00:01Z", running()),
  ]);
  t.deepEqual(
    instances.map((i) => [i.name, i.index, i.state, i.ready, i.restarts, i.exitCode, i.address, i.started]),
    [
      ["shop-v3-web-aaa", 1, "running", true, 0, null, "10.0.0.7:5000", "2026-01-01T00:00:05.000Z"],
      ["shop-v3-web-zzz", 2, "running", true, 2, 137, "10.0.0.7:5000", "2026-01-01T00:00:05.000Z"],
    ],
  );
});

test("reports a crash loop as restarting, with Kubernetes' reason as the failure", (t) => {
  const status = waiting("CrashLoopBackOff", "back-off 10s restarting failed container=web");
  const [instance] = podInstances(group, [pod("p", "2026-01-01T00:00:00Z", status)]);
  t.is(instance?.state, "restarting");
  t.false(instance?.ready);
  t.is(instance?.failure, "CrashLoopBackOff: back-off 10s restarting failed container=web");
});

test("reports image pull errors and unschedulable pods as failures, and a starting pod as none", (t) => {
  t.is(
    podFailure(pod("p", "2026-01-01T00:00:00Z", waiting("ImagePullBackOff", 'Back-off pulling image "x"'))),
    'ImagePullBackOff: Back-off pulling image "x"',
  );
  t.is(podFailure(pod("p", "2026-01-01T00:00:00Z", waiting("ErrImagePull", "not found"))), "ErrImagePull: not found");
  t.is(podFailure(pod("p", "2026-01-01T00:00:00Z", waiting("ContainerCreating", ""))), undefined);
  const unschedulable = pod("p", "2026-01-01T00:00:00Z", {
    phase: "Pending",
    conditions: [
      { type: "PodScheduled", status: "False", reason: "Unschedulable", message: "0/3 nodes are available: 3 Insufficient memory." },
    ],
  });
  t.is(podFailure(unschedulable), "FailedScheduling: 0/3 nodes are available: 3 Insufficient memory.");
  const [instance] = podInstances(group, [unschedulable]);
  t.is(instance?.state, "starting");
  t.is(instance?.address, null);
});

test("reads timestamped pod log lines", (t) => {
  t.deepEqual(parseLogLines("2026-01-01T00:00:01.123456789Z hello world\n2026-01-01T00:00:02Z \nno stamp\n"), [
    { time: "2026-01-01T00:00:01.123456789Z", line: "hello world" },
    { time: "2026-01-01T00:00:02Z", line: "" },
    { time: "2026-01-01T00:00:02Z", line: "no stamp" },
  ]);
});

test("explains a restart with the kubelet's liveness warning, and an unbound pod with the scheduler's", (t) => {
  const killed: V1PodStatus = {
    phase: "Running",
    containerStatuses: [
      { name: "web", image: "x", imageID: "", ready: false, restartCount: 0, state: { terminated: { exitCode: 137, reason: "Error" } } },
    ],
  };
  const liveness = { reason: "Unhealthy", text: "Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404" };
  t.is(podFailure(pod("p", "2026-01-01T00:00:00Z", killed), liveness), liveness.text);
  t.is(podFailure(pod("p", "2026-01-01T00:00:00Z", running()), liveness), undefined, "a warning alone, before any restart, is not fatal");
  const scheduling = { reason: "FailedScheduling", text: "FailedScheduling: 0/1 nodes are available" };
  t.is(podFailure(pod("p", "2026-01-01T00:00:00Z", { phase: "Pending" }), scheduling), scheduling.text);
});

test("keeps each pod's latest liveness or scheduling warning and ignores the rest", (t) => {
  const event = (uid: string, reason: string, message: string, at: string, type = "Warning") => ({
    metadata: {},
    involvedObject: { kind: "Pod", uid },
    reason,
    message,
    type,
    lastTimestamp: new Date(at),
  });
  const warnings = podWarnings([
    event("a", "Unhealthy", "Liveness probe failed: old", "2026-01-01T00:00:01Z"),
    event("a", "Unhealthy", "Liveness probe failed: new", "2026-01-01T00:00:02Z"),
    event("a", "Unhealthy", "Readiness probe failed: not telling", "2026-01-01T00:00:03Z"),
    event("b", "FailedScheduling", "0/1 nodes are available", "2026-01-01T00:00:01Z"),
    event("c", "Pulled", "Successfully pulled", "2026-01-01T00:00:01Z", "Normal"),
  ]);
  t.deepEqual(Object.fromEntries(warnings), {
    a: { reason: "Unhealthy", text: "Unhealthy: Liveness probe failed: new" },
    b: { reason: "FailedScheduling", text: "FailedScheduling: 0/1 nodes are available" },
  });
});
