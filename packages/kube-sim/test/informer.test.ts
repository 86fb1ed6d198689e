import { type V1Pod, makeInformer } from "@kubernetes/client-node";
import test from "ava";
import { eventually, rcBody, simClient } from "./helpers/sim.ts";

test("a client-node informer lists, then follows pods through the watch", async (t) => {
  const { kc, core } = await simClient(t, { kubelet: { startDelayMs: 20 } });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "unrelated" } } });
  const informer = makeInformer<V1Pod>(
    kc,
    "/api/v1/namespaces/default/pods",
    () => core.listNamespacedPod({ namespace: "default" }),
    "app=shop",
  );
  const added: string[] = [];
  const deleted: string[] = [];
  const errors: unknown[] = [];
  informer.on("add", (pod) => added.push(pod.metadata!.name!));
  informer.on("delete", (pod) => deleted.push(pod.metadata!.name!));
  informer.on("error", (error) => errors.push(error));
  await informer.start();
  t.teardown(() => informer.stop());
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 2) });
  await eventually(() => (added.length === 2 ? true : undefined), "two pods added");
  await eventually(
    () =>
      informer.list("default").every((p) => p.status?.phase === "Running") && informer.list("default").length === 2 ? true : undefined,
    "the cache to see them Running",
  );
  await core.deleteNamespacedReplicationController({ name: "shop-v1-web", namespace: "default", propagationPolicy: "Background" });
  await eventually(() => (deleted.length === 2 ? true : undefined), "two pods deleted");
  t.deepEqual(deleted.sort(), added.sort());
  t.deepEqual(informer.list("default"), []);
  t.deepEqual(errors, []);
});
