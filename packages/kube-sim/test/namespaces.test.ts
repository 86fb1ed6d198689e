import test from "ava";
import { eventually, gone, rcBody, simClient, statusOf } from "./helpers/sim.ts";

test("deleting a namespace terminates it, removes its contents, then the namespace", async (t) => {
  const { sim, core } = await simClient(t);
  await core.createNamespace({ body: { metadata: { name: "shop" } } });
  await core.createNamespacedSecret({ namespace: "shop", body: { metadata: { name: "env" } } });
  await core.createNamespacedReplicationController({ namespace: "shop", body: rcBody("shop-v1-web", 0) });
  await core.createNamespacedService({ namespace: "shop", body: { metadata: { name: "shop-web" }, spec: { ports: [{ port: 80 }] } } });
  const response = await fetch(`${sim.url}/api/v1/namespaces/shop`, { method: "DELETE" });
  const body = (await response.json()) as { status: { phase: string }; metadata: { deletionTimestamp?: string } };
  t.is(response.status, 200);
  t.is(body.status.phase, "Terminating");
  t.truthy(body.metadata.deletionTimestamp);
  await eventually(() => gone(() => core.readNamespace({ name: "shop" })), "the namespace to go");
  t.is((await statusOf(core.readNamespace({ name: "shop" }))).code, 404);
  t.is((await core.listSecretForAllNamespaces()).items.filter((s) => s.metadata!.namespace === "shop").length, 0);
  t.is((await core.listReplicationControllerForAllNamespaces()).items.length, 0);
});

test("refuses new content in a terminating namespace with 403 and a second delete with 409", async (t) => {
  const { sim, core } = await simClient(t);
  await core.createNamespace({ body: { metadata: { name: "shop" } } });
  // A scheduled pod deletes gracefully, which keeps the namespace Terminating for a while.
  await core.createNamespacedPod({
    namespace: "shop",
    body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x:1" }] } },
  });
  const stored = sim.registry.find("pods", "shop", "p")!;
  sim.registry.writeSystem("pods", { ...stored, spec: { ...(stored.spec as object), nodeName: "sim-node" } });
  await core.deleteNamespace({ name: "shop" });
  const create = await statusOf(core.createNamespacedSecret({ namespace: "shop", body: { metadata: { name: "late" } } }));
  t.like(create, {
    code: 403,
    reason: "Forbidden",
    message: 'secrets "late" is forbidden: unable to create new content in namespace shop because it is being terminated',
  });
  t.is(create.details!.causes![0]!.reason, "NamespaceTerminating");
  const again = await statusOf(core.deleteNamespace({ name: "shop" }));
  t.like(again, { code: 409, reason: "Conflict" });
  t.regex(again.message, /The system is ensuring all content is removed from this namespace/);
  const terminating = await core.readNamespacedPod({ name: "p", namespace: "shop" });
  t.truthy(terminating.metadata!.deletionTimestamp);
});

test("deleting an RC orphans its pods unless asked to propagate", async (t) => {
  const { sim, core } = await simClient(t, { controllers: false });
  const rc = await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 0) });
  const owner = { apiVersion: "v1", kind: "ReplicationController", name: "shop-v1-web", uid: rc.metadata!.uid!, controller: true };
  for (const name of ["p1", "p2"]) {
    await core.createNamespacedPod({
      namespace: "default",
      body: {
        metadata: { name, labels: { app: "shop", type: "web" }, ownerReferences: [owner] },
        spec: { containers: [{ name: "c", image: "x:1" }] },
      },
    });
  }
  await core.deleteNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" });
  const orphans = await core.listNamespacedPod({ namespace: "default" });
  t.is(orphans.items.length, 2);
  t.true(orphans.items.every((p) => p.metadata!.ownerReferences === undefined));
  const rc2 = await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v2-web", 0) });
  sim.registry.mutate("pods", "default", "p1", (p) => ({
    ...p,
    metadata: { ...p.metadata, ownerReferences: [{ ...owner, name: "shop-v2-web", uid: rc2.metadata!.uid! }] },
  }));
  await core.deleteNamespacedReplicationController({ name: "shop-v2-web", namespace: "default", propagationPolicy: "Background" });
  t.deepEqual(
    (await core.listNamespacedPod({ namespace: "default" })).items.map((p) => p.metadata!.name),
    ["p2"],
  );
});
