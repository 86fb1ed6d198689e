import { ApiException, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { startKubeSim } from "@berth/kube-sim";
import test, { type ExecutionContext } from "ava";
import { BerthError } from "../../src/errors.ts";
import { KubernetesScheduler, type KubernetesSchedulerOptions } from "../../src/scheduler/kubernetes/scheduler.ts";
import type { GroupSpec } from "../../src/scheduler/types.ts";
import { eventually } from "../helpers/kube-sim.ts";

/** The simulator with its fake kubelet (pods turn Running and Ready without a container engine). */
async function fakeCluster(t: ExecutionContext, options: KubernetesSchedulerOptions = {}) {
  const sim = await startKubeSim({ kubelet: { startDelayMs: 50 } });
  t.teardown(() => sim.close());
  const kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeConfig());
  const core = kc.makeApiClient(CoreV1Api);
  return { core, scheduler: new KubernetesScheduler(core, options) };
}

const spec: GroupSpec = {
  app: "shop",
  release: 4,
  type: "worker",
  image: "registry.example.com/shop:git-abc",
  command: "node worker.js",
  env: { BERTH_APP: "shop", TOKEN: "s3cret" },
  limits: undefined,
  readiness: { mode: "running", path: undefined, initialDelay: 0, timeout: 2, period: 2, failureThreshold: 3 },
};

test("creates the app's namespace, the release's Secret and RC, and no Service for a worker type", async (t) => {
  const { core, scheduler } = await fakeCluster(t, {
    registryLogin: { server: "registry.example.com", username: "berth", password: "pw" },
    nodeSelector: { pool: "apps" },
  });
  await scheduler.createGroup(spec);
  await scheduler.createGroup(spec);
  t.is((await core.readNamespace({ name: "shop" })).metadata?.labels?.heritage, "berth");
  const secrets = (await core.listNamespacedSecret({ namespace: "shop" })).items.map((s) => s.metadata?.name).sort();
  t.deepEqual(secrets, ["berth-registry", "shop-v4-env"]);
  const rc = await core.readNamespacedReplicationController({ name: "shop-v4-worker", namespace: "shop" });
  t.is(rc.spec?.replicas, 0);
  t.deepEqual(
    rc.spec?.template?.spec?.imagePullSecrets?.map((s) => s.name),
    ["berth-registry"],
  );
  t.deepEqual(rc.spec?.template?.spec?.nodeSelector, { pool: "apps" });
  t.is((await core.listNamespacedService({ namespace: "shop" })).items.length, 0);
});

test("scales through the scale subresource and lists the RC's pods as instances", async (t) => {
  const { scheduler } = await fakeCluster(t);
  await scheduler.scaleGroup(spec, 2);
  const group = await eventually(async () => {
    const [found] = await scheduler.listGroups("shop");
    return found?.instances.filter((i) => i.ready).length === 2 ? found : undefined;
  }, "two ready pods");
  t.like(group, { app: "shop", release: 4, type: "worker", replicas: 2 });
  t.deepEqual(
    group.instances.map((i) => [i.index, i.state, i.name.startsWith("shop-v4-worker-")]),
    [
      [1, "running", true],
      [2, "running", true],
    ],
  );
});

test("removes the named pods and lowers the replicas by as many, keeping the others", async (t) => {
  const { core, scheduler } = await fakeCluster(t);
  await scheduler.scaleGroup(spec, 3);
  const before = await eventually(async () => {
    const [found] = await scheduler.listGroups("shop");
    return found?.instances.filter((i) => i.ready).length === 3 ? found.instances : undefined;
  }, "three ready pods");
  const created = async () =>
    (await core.listNamespacedEvent({ namespace: "shop", fieldSelector: "reason=SuccessfulCreate" })).items.length;
  t.is(await created(), 3);
  const [first, second, third] = before.map((i) => i.name);
  await scheduler.removeInstances(spec, [first ?? "", third ?? ""]);
  const after = await eventually(
    async () => {
      const [found] = await scheduler.listGroups("shop");
      return found?.replicas === 1 && found.instances.length === 1 ? found : undefined;
    },
    "one pod left",
    5000,
  );
  t.is(after.instances[0]?.name, second);
  // The RC was told to run fewer before any pod went, so it never started a replacement: one it
  // starts could be the pod it keeps when it then scales down.
  t.is(await created(), 3, "no replacement pod was started");
  await new Promise((resolve) => setTimeout(resolve, 300));
  const [settled] = await scheduler.listGroups("shop");
  t.deepEqual(
    settled?.instances.map((i) => i.name),
    [second],
    "the RC made no replacement that stayed",
  );
});

test("deleting a group deletes its RC, its pods and the release's Secret", async (t) => {
  const { core, scheduler } = await fakeCluster(t);
  await scheduler.scaleGroup(spec, 1);
  await scheduler.deleteGroup(spec);
  t.deepEqual(await scheduler.listGroups("shop"), []);
  t.deepEqual((await core.listNamespacedSecret({ namespace: "shop" })).items, []);
  await eventually(async () => ((await core.listNamespacedPod({ namespace: "shop" })).items.length === 0 ? true : undefined), "no pods");
  t.pass();
});

test("wraps an API error once, keeping the Kubernetes Status message", async (t) => {
  const { scheduler } = await fakeCluster(t);
  const error = await t.throwsAsync(scheduler.createGroup({ ...spec, image: "" }), { instanceOf: BerthError });
  t.is(error?.code, "UNAVAILABLE");
  t.regex(error?.message ?? "", /^Kubernetes could not create ReplicationController shop-v4-worker: .*image.* \(Invalid 422\)$/);
  t.true(error?.cause instanceof ApiException);
  t.regex(error?.hint ?? "", /RBAC/);
});

test("a group of an app that has no namespace yet is simply not there", async (t) => {
  const { scheduler } = await fakeCluster(t);
  t.deepEqual(await scheduler.listGroups("nothing-here"), []);
  t.deepEqual(await scheduler.logs("nothing-here"), []);
  await scheduler.deleteGroup({ app: "nothing-here", release: 1, type: "web" });
  await scheduler.destroyApp("nothing-here");
  t.pass();
});

test("refuses to deploy into a namespace Berth did not make, such as kube-system", async (t) => {
  const { core, scheduler } = await fakeCluster(t);
  const error = await t.throwsAsync(scheduler.createGroup({ ...spec, app: "kube-system" }), { instanceOf: BerthError });
  t.is(error?.code, "CONFLICT");
  t.regex(error?.message ?? "", /namespace "kube-system" already exists in the cluster and was not made by Berth/);
  t.deepEqual((await core.listNamespacedReplicationController({ namespace: "kube-system" })).items, []);
  await scheduler.destroyApp("kube-system");
  t.truthy(await core.readNamespace({ name: "kube-system" }), "destroying such an app leaves the namespace alone");
});
