import test from "ava";
import { eventually, gone, rcBody, simClient, statusOf } from "./helpers/sim.ts";

test("binds pods and marks them Running and Ready after the start delay", async (t) => {
  const { core } = await simClient(t, { kubelet: { startDelayMs: 50 } });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 2) });
  const rc = await eventually(async () => {
    const r = await core.readNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" });
    return r.status?.readyReplicas === 2 ? r : undefined;
  }, "two ready replicas");
  t.is(rc.status!.availableReplicas, 2);
  const pods = await core.listNamespacedPod({ namespace: "default", fieldSelector: "status.phase=Running" });
  t.is(pods.items.length, 2);
  for (const pod of pods.items) {
    t.is(pod.spec!.nodeName, "kube-sim-node");
    t.regex(pod.status!.podIP!, /^10\.244\.\d+\.\d+$/);
    t.is(pod.status!.conditions!.find((c) => c.type === "Ready")!.status, "True");
    t.like(pod.status!.containerStatuses![0], { name: "web", ready: true, started: true, restartCount: 0 });
    t.truthy(pod.status!.containerStatuses![0]!.state!.running);
  }
  const scheduled = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "reason=Scheduled" });
  t.is(scheduled.items.length, 2);
});

test("deletes a running pod gracefully: deletionTimestamp first, then gone", async (t) => {
  const { sim, core } = await simClient(t);
  await core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x:1" }] } },
  });
  await eventually(
    async () => ((await core.readNamespacedPod({ name: "p", namespace: "default" })).status?.phase === "Running" ? true : undefined),
    "Running",
  );
  const response = await fetch(`${sim.url}/api/v1/namespaces/default/pods/p`, { method: "DELETE" });
  const body = (await response.json()) as { metadata: { deletionTimestamp?: string; deletionGracePeriodSeconds?: number } };
  t.truthy(body.metadata.deletionTimestamp);
  t.is(body.metadata.deletionGracePeriodSeconds, 30);
  await eventually(() => gone(() => core.readNamespacedPod({ name: "p", namespace: "default" })), "the pod to go");
  t.pass();
});

test("serves empty logs for a running pod and refuses logs of a pending one", async (t) => {
  const { core } = await simClient(t, { kubelet: { startDelayMs: 300 } });
  await core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x:1" }] } },
  });
  const early = await statusOf(core.readNamespacedPodLog({ name: "p", namespace: "default" }));
  t.like(early, { code: 400, reason: "BadRequest" });
  t.regex(early.message, /container "c" in pod "p" is waiting to start: ContainerCreating/);
  await eventually(
    async () => ((await core.readNamespacedPod({ name: "p", namespace: "default" })).status?.phase === "Running" ? true : undefined),
    "Running",
  );
  t.is(await core.readNamespacedPodLog({ name: "p", namespace: "default" }), "");
  const unknown = await statusOf(core.readNamespacedPodLog({ name: "p", namespace: "default", container: "nope" }));
  t.is(unknown.message, "container nope is not valid for pod p");
});

test("a deleted namespace takes its running pods with it", async (t) => {
  const { core } = await simClient(t);
  await core.createNamespace({ body: { metadata: { name: "shop" } } });
  await core.createNamespacedReplicationController({ namespace: "shop", body: rcBody("shop-v1-web", 2) });
  await eventually(async () => ((await core.listNamespacedPod({ namespace: "shop" })).items.length === 2 ? true : undefined), "two pods");
  await core.deleteNamespace({ name: "shop" });
  await eventually(() => gone(() => core.readNamespace({ name: "shop" })), "the namespace to go");
  t.is((await core.listPodForAllNamespaces()).items.length, 0);
});

test("plays the outcome a test scripts for each container", async (t) => {
  const outcome = (_pod: unknown, c: { image: string }) =>
    c.image === "crash:1" ? "CrashLoopBackOff" : c.image === "missing:1" ? "ImagePullBackOff" : c.image === "slow:1" ? "NotReady" : "Ready";
  const { core } = await simClient(t, { kubelet: { startDelayMs: 20, outcome } });
  for (const image of ["crash:1", "missing:1", "slow:1"]) {
    const name = image.split(":")[0]!;
    await core.createNamespacedPod({ namespace: "default", body: { metadata: { name }, spec: { containers: [{ name, image }] } } });
  }
  const outcomeOf = async (name: string) =>
    eventually(async () => {
      const p = await core.readNamespacedPod({ name, namespace: "default" });
      return p.status?.containerStatuses?.[0]?.imageID !== undefined &&
        p.status.containerStatuses[0].state?.waiting?.reason !== "ContainerCreating"
        ? p
        : undefined;
    }, `${name} to reach its outcome`);
  const crash = await outcomeOf("crash");
  t.is(crash.status!.phase, "Running");
  t.like(crash.status!.containerStatuses![0], { restartCount: 1, ready: false });
  t.is(crash.status!.containerStatuses![0]!.state!.waiting!.reason, "CrashLoopBackOff");
  t.is(crash.status!.containerStatuses![0]!.lastState!.terminated!.exitCode, 1);
  const missing = await outcomeOf("missing");
  t.is(missing.status!.phase, "Pending");
  t.is(missing.status!.containerStatuses![0]!.state!.waiting!.reason, "ImagePullBackOff");
  const slow = await outcomeOf("slow");
  t.is(slow.status!.phase, "Running");
  t.false(slow.status!.containerStatuses![0]!.ready);
  t.is(slow.status!.conditions!.find((c) => c.type === "Ready")!.status, "False");
  const backOff = await core.listNamespacedEvent({
    namespace: "default",
    fieldSelector: "involvedObject.name=crash,reason=BackOff,type=Warning",
  });
  t.is(backOff.items.length, 1);
});

test("waits in CreateContainerConfigError until a referenced secret exists", async (t) => {
  const { core } = await simClient(t, { kubelet: { startDelayMs: 20 } });
  await core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x:1", envFrom: [{ secretRef: { name: "p-env" } }] }] } },
  });
  await eventually(async () => {
    const p = await core.readNamespacedPod({ name: "p", namespace: "default" });
    return p.status?.containerStatuses?.[0]?.state?.waiting?.reason === "CreateContainerConfigError" ? p : undefined;
  }, "CreateContainerConfigError");
  const failed = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=p,reason=Failed" });
  t.is(failed.items[0]!.message, 'Error: secret "p-env" not found');
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "p-env" }, stringData: { A: "1" } } });
  const running = await eventually(async () => {
    const p = await core.readNamespacedPod({ name: "p", namespace: "default" });
    return p.status?.phase === "Running" ? p : undefined;
  }, "Running once the secret exists");
  t.true(running.status!.containerStatuses![0]!.ready);
});

test("leaves a pod the test declares unschedulable Pending with FailedScheduling", async (t) => {
  const { core } = await simClient(t, {
    unschedulable: (pod) => (pod.metadata.name === "big" ? "0/1 nodes are available: 1 Insufficient cpu." : undefined),
  });
  await core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name: "big" }, spec: { containers: [{ name: "c", image: "x:1" }] } },
  });
  const events = await eventually(async () => {
    const list = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=big,reason=FailedScheduling" });
    return list.items.length > 0 ? list.items : undefined;
  }, "FailedScheduling");
  t.is(events[0]!.message, "0/1 nodes are available: 1 Insufficient cpu.");
  t.is(events[0]!.type, "Warning");
  const pod = await core.readNamespacedPod({ name: "big", namespace: "default" });
  t.is(pod.status!.phase, "Pending");
  t.is(pod.spec!.nodeName, undefined);
  t.like(pod.status!.conditions![0], { type: "PodScheduled", status: "False", reason: "Unschedulable" });
});
