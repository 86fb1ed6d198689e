import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import test from "ava";
import { rcBody, simClient, statusOf } from "./helpers/sim.ts";

test("reads an RC's Scale with its selector as a string", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const rc = await core.createNamespacedReplicationController({
    namespace: "default",
    body: rcBody("shop-v1-web", 2, { type: "web", app: "shop" }),
  });
  const scale = await core.readNamespacedReplicationControllerScale({ name: "shop-v1-web", namespace: "default" });
  t.is(scale.kind, "Scale");
  t.is(scale.apiVersion, "autoscaling/v1");
  t.is(scale.spec!.replicas, 2);
  t.is(scale.status!.selector, "app=shop,type=web");
  t.is(scale.metadata!.uid, rc.metadata!.uid);
  t.is(scale.metadata!.resourceVersion, rc.metadata!.resourceVersion);
});

test("scales through PUT and merge-PATCH of the scale subresource", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 1) });
  const scale = await core.readNamespacedReplicationControllerScale({ name: "shop-v1-web", namespace: "default" });
  await core.replaceNamespacedReplicationControllerScale({
    name: "shop-v1-web",
    namespace: "default",
    body: { ...scale, spec: { replicas: 3 } },
  });
  t.is((await core.readNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" })).spec!.replicas, 3);
  await core.patchNamespacedReplicationControllerScale(
    { name: "shop-v1-web", namespace: "default", body: { spec: { replicas: 0 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  const rc = await core.readNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" });
  t.is(rc.spec!.replicas, 0);
  t.is(rc.metadata!.generation, 3);
});

test("refuses a stale Scale with 409 and a negative one with 422", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 1) });
  const stale = await core.readNamespacedReplicationControllerScale({ name: "shop-v1-web", namespace: "default" });
  await core.replaceNamespacedReplicationControllerScale({
    name: "shop-v1-web",
    namespace: "default",
    body: { ...stale, spec: { replicas: 2 } },
  });
  const conflict = await statusOf(
    core.replaceNamespacedReplicationControllerScale({
      name: "shop-v1-web",
      namespace: "default",
      body: { ...stale, spec: { replicas: 5 } },
    }),
  );
  t.like(conflict, { code: 409, reason: "Conflict" });
  const negative = await statusOf(
    core.patchNamespacedReplicationControllerScale(
      { name: "shop-v1-web", namespace: "default", body: { spec: { replicas: -1 } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    ),
  );
  t.is(negative.code, 422);
  t.is(negative.details!.kind, "Scale.autoscaling");
});
