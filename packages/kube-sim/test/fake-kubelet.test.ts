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
