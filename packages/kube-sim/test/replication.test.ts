import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import type { CoreV1Api, V1Pod } from "@kubernetes/client-node";
import test from "ava";
import { eventually, rcBody, simClient } from "./helpers/sim.ts";

// The kubelet is off here: each test writes pod status itself through /status, as a kubelet would.
const podsOf = async (core: CoreV1Api, selector = "app=shop,type=web") =>
  (await core.listNamespacedPod({ namespace: "default", labelSelector: selector })).items.filter((p) => !p.metadata!.deletionTimestamp);

const count = (core: CoreV1Api, n: number) =>
  eventually(async () => {
    const pods = await podsOf(core);
    return pods.length === n ? pods : undefined;
  }, `${n} pods`);

/** What a kubelet would write: Running and Ready with an IP, through the status subresource. */
async function markReady(core: CoreV1Api, pod: V1Pod, ip: string): Promise<void> {
  const now = new Date();
  await core.replaceNamespacedPodStatus({
    name: pod.metadata!.name!,
    namespace: "default",
    body: {
      // No resourceVersion: an unconditional write, as the pod may have changed since it was listed.
      metadata: { name: pod.metadata!.name! },
      status: { phase: "Running", podIP: ip, conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }] },
    },
  });
}

test("creates pods named after the RC, owned by it and labelled from the template", async (t) => {
  const { sim, core } = await simClient(t, { kubelet: false });
  const rc = await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 3) });
  const pods = await count(core, 3);
  for (const pod of pods) {
    t.regex(pod.metadata!.name!, /^shop-v1-web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    t.deepEqual(pod.metadata!.labels, { app: "shop", type: "web" });
    t.like(pod.metadata!.ownerReferences![0], {
      kind: "ReplicationController",
      name: "shop-v1-web",
      uid: rc.metadata!.uid,
      controller: true,
      blockOwnerDeletion: true,
    });
    t.is(pod.spec!.containers[0]!.image, "shop:v1");
  }
  const status = await eventually(async () => {
    const s = (await core.readNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" })).status!;
    return s.replicas === 3 ? s : undefined;
  }, "status.replicas = 3");
  t.is(status.observedGeneration, 1);
  t.is(status.readyReplicas, 0);
  t.deepEqual(sim.errors, []);
});

test("scales down through the scale subresource, deleting not-ready pods first", async (t) => {
  const { core } = await simClient(t, { kubelet: false });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 3) });
  const pods = await count(core, 3);
  await markReady(core, pods[0]!, "10.244.0.5");
  await core.patchNamespacedReplicationControllerScale(
    { name: "shop-v1-web", namespace: "default", body: { spec: { replicas: 1 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  const left = await count(core, 1);
  t.is(left[0]!.metadata!.name, pods[0]!.metadata!.name);
  const events = await core.listNamespacedEvent({
    namespace: "default",
    fieldSelector: "involvedObject.kind=ReplicationController,involvedObject.name=shop-v1-web,reason=SuccessfulDelete",
  });
  t.is(events.items.length, 2);
  t.regex(events.items[0]!.message!, /^Deleted pod: shop-v1-web-/);
});

test("scales down the ready pods with the lowest pod-deletion-cost first, as the replication manager does", async (t) => {
  const { core } = await simClient(t, { kubelet: false });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 3) });
  const pods = await count(core, 3);
  for (const [i, pod] of pods.entries()) await markReady(core, pod, `10.244.0.${i + 5}`);
  // The pod kept is the one ready last, which goes first when no pod has a cost.
  const [drop1, drop2, keep] = pods.map((p) => p.metadata!.name!);
  for (const name of [drop1!, drop2!]) {
    await core.patchNamespacedPod(
      { name, namespace: "default", body: { metadata: { annotations: { "controller.kubernetes.io/pod-deletion-cost": "-2147483648" } } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }
  await core.patchNamespacedPod(
    {
      name: keep!,
      namespace: "default",
      body: { metadata: { annotations: { "controller.kubernetes.io/pod-deletion-cost": "not a number" } } },
    },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  await core.patchNamespacedReplicationControllerScale(
    { name: "shop-v1-web", namespace: "default", body: { spec: { replicas: 1 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  const left = await count(core, 1);
  t.is(left[0]!.metadata!.name, keep);
});

test("replaces a deleted pod", async (t) => {
  const { core } = await simClient(t, { kubelet: false });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 2) });
  const [first] = await count(core, 2);
  await core.deleteNamespacedPod({ name: first!.metadata!.name!, namespace: "default" });
  const after = await count(core, 2);
  t.false(after.some((p) => p.metadata!.name === first!.metadata!.name));
});

test("reports ready and available replicas and observedGeneration", async (t) => {
  const { core } = await simClient(t, { kubelet: false });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 2) });
  const pods = await count(core, 2);
  await markReady(core, pods[0]!, "10.244.0.5");
  await core.patchNamespacedReplicationController(
    {
      name: "shop-v1-web",
      namespace: "default",
      body: { spec: { template: { metadata: { annotations: { note: "changed" } } } } },
    },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  const status = await eventually(async () => {
    const s = (await core.readNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" })).status!;
    return s.readyReplicas === 1 && s.observedGeneration === 2 ? s : undefined;
  }, "one ready replica at generation 2");
  t.is(status.replicas, 2);
  t.is(status.availableReplicas, 1);
  t.is(status.fullyLabeledReplicas, 2);
});

test("records SuccessfulCreate events on the RC", async (t) => {
  const { core } = await simClient(t, { kubelet: false });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 2) });
  const pods = await count(core, 2);
  const events = await eventually(async () => {
    const list = await core.listNamespacedEvent({
      namespace: "default",
      fieldSelector: "involvedObject.name=shop-v1-web,reason=SuccessfulCreate",
    });
    return list.items.length === 2 ? list.items : undefined;
  }, "two events");
  t.deepEqual(events.map((e) => e.message).sort(), pods.map((p) => `Created pod: ${p.metadata!.name}`).sort());
  t.is(events[0]!.type, "Normal");
  t.is(events[0]!.source!.component, "replication-controller");
});

test("adopts a matching orphan instead of creating another pod", async (t) => {
  const { core } = await simClient(t, { kubelet: false });
  await core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name: "stray", labels: { app: "shop", type: "web" } }, spec: { containers: [{ name: "web", image: "shop:v1" }] } },
  });
  const rc = await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 1) });
  const [pod] = await count(core, 1);
  await eventually(async () => {
    const p = await core.readNamespacedPod({ name: "stray", namespace: "default" });
    return p.metadata!.ownerReferences?.[0]?.uid === rc.metadata!.uid ? p : undefined;
  }, "the stray pod to be adopted");
  t.is(pod!.metadata!.name, "stray");
});

test("keeps a Service's Endpoints to its Ready and not-ready pods", async (t) => {
  const { core } = await simClient(t, { kubelet: false });
  await core.createNamespacedService({
    namespace: "default",
    body: {
      metadata: { name: "shop-web" },
      spec: { selector: { app: "shop", type: "web" }, ports: [{ name: "http", port: 80, targetPort: 5000 }] },
    },
  });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 2) });
  const pods = await count(core, 2);
  await markReady(core, pods[0]!, "10.244.0.5");
  await core.replaceNamespacedPodStatus({
    name: pods[1]!.metadata!.name!,
    namespace: "default",
    body: { metadata: { name: pods[1]!.metadata!.name! }, status: { phase: "Running", podIP: "10.244.0.6" } },
  });
  const ep = await eventually(async () => {
    const e = await core.readNamespacedEndpoints({ name: "shop-web", namespace: "default" }).catch(() => undefined);
    return e?.subsets?.[0]?.notReadyAddresses?.length === 1 && e.subsets[0].addresses?.length === 1 ? e : undefined;
  }, "endpoints with one ready and one not-ready address");
  const subset = ep.subsets![0]!;
  t.is(subset.addresses![0]!.ip, "10.244.0.5");
  t.is(subset.addresses![0]!.targetRef!.name, pods[0]!.metadata!.name);
  t.is(subset.notReadyAddresses![0]!.ip, "10.244.0.6");
  t.is(subset.ports!.length, 1);
  t.like(subset.ports![0], { name: "http", port: 5000, protocol: "TCP" });
  await core.deleteNamespacedService({ name: "shop-web", namespace: "default" });
  await eventually(
    async () => ((await core.listNamespacedEndpoints({ namespace: "default" })).items.length === 0 ? true : undefined),
    "the endpoints to go",
  );
  t.pass();
});
