import { PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import test from "ava";
import { rcBody, simClient, statusOf } from "./helpers/sim.ts";

const withEnv = () => {
  const body = rcBody("shop-v1-web", 1);
  Object.assign(body.spec.template.spec.containers[0]!, {
    env: [
      { name: "A", value: "1" },
      { name: "B", value: "2" },
    ],
  });
  return body;
};
const envPatch = {
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: "web",
            env: [
              { name: "B", value: "20" },
              { name: "C", value: "3" },
            ],
          },
        ],
      },
    },
  },
};

test("a strategic merge patch upserts env entries by name inside the container", async (t) => {
  const { core } = await simClient(t);
  await core.createNamespacedReplicationController({ namespace: "default", body: withEnv() });
  const rc = await core.patchNamespacedReplicationController(
    { name: "shop-v1-web", namespace: "default", body: envPatch },
    setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
  );
  const container = rc.spec!.template!.spec!.containers[0]!;
  t.is(container.image, "shop:v1");
  t.deepEqual(
    container.env!.map((e) => `${e.name}=${e.value}`),
    ["A=1", "B=20", "C=3"],
  );
  t.is(rc.metadata!.generation, 2);
});

test("a merge patch replaces the whole containers list", async (t) => {
  const { core } = await simClient(t);
  await core.createNamespacedReplicationController({ namespace: "default", body: withEnv() });
  const status = await statusOf(
    core.patchNamespacedReplicationController(
      { name: "shop-v1-web", namespace: "default", body: envPatch },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    ),
  );
  // The replaced container has no image any more: the server says so instead of merging.
  t.is(status.code, 422);
  t.regex(status.message, /spec.template.spec.containers\[0\].image: Required value/);
});

test("a merge patch merges maps and deletes keys set to null", async (t) => {
  const { core } = await simClient(t);
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s", labels: { a: "1", b: "2" } } } });
  const patched = await core.patchNamespacedSecret(
    { name: "s", namespace: "default", body: { metadata: { labels: { b: null, c: "3" } } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  t.deepEqual(patched.metadata!.labels, { a: "1", c: "3" });
});

test("a strategic merge patch deletes a list element with $patch: delete", async (t) => {
  const { core } = await simClient(t);
  await core.createNamespacedReplicationController({ namespace: "default", body: withEnv() });
  const rc = await core.patchNamespacedReplicationController(
    {
      name: "shop-v1-web",
      namespace: "default",
      body: { spec: { template: { spec: { containers: [{ name: "web", env: [{ name: "A", $patch: "delete" }] }] } } } },
    },
    setHeaderOptions("Content-Type", PatchStrategy.StrategicMergePatch),
  );
  t.deepEqual(
    rc.spec!.template!.spec!.containers[0]!.env!.map((e) => e.name),
    ["B"],
  );
});

test("a JSON patch applies operations and its test op guards them", async (t) => {
  const { core } = await simClient(t);
  await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 1) });
  const rc = await core.patchNamespacedReplicationController({
    name: "shop-v1-web",
    namespace: "default",
    body: [
      { op: "test", path: "/spec/replicas", value: 1 },
      { op: "replace", path: "/spec/replicas", value: 5 },
    ],
  });
  t.is(rc.spec!.replicas, 5);
  const status = await statusOf(
    core.patchNamespacedReplicationController({
      name: "shop-v1-web",
      namespace: "default",
      body: [{ op: "test", path: "/spec/replicas", value: 1 }],
    }),
  );
  t.is(status.code, 422);
});

test("a patch carrying a stale resourceVersion is a 409 Conflict", async (t) => {
  const { core } = await simClient(t);
  const rc = await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 1) });
  await core.patchNamespacedReplicationController(
    { name: "shop-v1-web", namespace: "default", body: { spec: { replicas: 2 } } },
    setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
  );
  const status = await statusOf(
    core.patchNamespacedReplicationController(
      {
        name: "shop-v1-web",
        namespace: "default",
        body: { metadata: { resourceVersion: rc.metadata!.resourceVersion }, spec: { replicas: 3 } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    ),
  );
  t.is(status.code, 409);
  t.is(status.reason, "Conflict");
});

test("refuses an unknown patch content type with 415", async (t) => {
  const { sim, core } = await simClient(t);
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s" } } });
  const response = await fetch(`${sim.url}/api/v1/namespaces/default/secrets/s`, {
    method: "PATCH",
    headers: { "Content-Type": "text/plain" },
    body: "{}",
  });
  t.is(response.status, 415);
  t.like(await response.json(), { reason: "UnsupportedMediaType" });
});
