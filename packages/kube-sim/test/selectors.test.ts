import test from "ava";
import { simClient, statusOf } from "./helpers/sim.ts";

async function seed(t: Parameters<typeof simClient>[0]) {
  const client = await simClient(t);
  const labels: Record<string, Record<string, string>> = {
    a: { app: "shop", release: "v3" },
    b: { app: "shop", release: "v4", canary: "true" },
    c: { app: "blog", release: "v1" },
    d: { app: "shop" },
  };
  for (const [name, l] of Object.entries(labels)) {
    await client.core.createNamespacedSecret({ namespace: "default", body: { metadata: { name, labels: l } } });
  }
  const names = async (labelSelector: string) =>
    (await client.core.listNamespacedSecret({ namespace: "default", labelSelector })).items.map((s) => s.metadata!.name).sort();
  return { ...client, names };
}

test("selects by equality and inequality", async (t) => {
  const { names } = await seed(t);
  t.deepEqual(await names("app=shop"), ["a", "b", "d"]);
  t.deepEqual(await names("app==shop,release=v3"), ["a"]);
  t.deepEqual(await names("release!=v3"), ["b", "c", "d"]);
  t.deepEqual(await names(""), ["a", "b", "c", "d"]);
});

test("selects with in, notin, exists and does-not-exist", async (t) => {
  const { names } = await seed(t);
  t.deepEqual(await names("release in (v3, v4)"), ["a", "b"]);
  t.deepEqual(await names("release notin (v3,v4)"), ["c", "d"]);
  t.deepEqual(await names("canary"), ["b"]);
  t.deepEqual(await names("app=shop,release in (v3,v4),!canary"), ["a"]);
});

test("rejects a malformed label selector with 400 BadRequest", async (t) => {
  const { core } = await seed(t);
  const status = await statusOf(core.listNamespacedSecret({ namespace: "default", labelSelector: "app=(shop" }));
  t.is(status.code, 400);
  t.is(status.reason, "BadRequest");
});

test("selects by the supported field labels and refuses others", async (t) => {
  const { core } = await seed(t);
  const byName = await core.listNamespacedSecret({ namespace: "default", fieldSelector: "metadata.name=c" });
  t.deepEqual(
    byName.items.map((s) => s.metadata!.name),
    ["c"],
  );
  const notA = await core.listNamespacedSecret({ namespace: "default", fieldSelector: "metadata.name!=a,type=Opaque" });
  t.is(notA.items.length, 3);
  const status = await statusOf(core.listNamespacedSecret({ namespace: "default", fieldSelector: "data.x=1" }));
  t.like(status, { code: 400, reason: "BadRequest", message: "field label not supported: data.x" });
});

test("pages a list with limit and continue", async (t) => {
  const { core } = await seed(t);
  const first = await core.listNamespacedSecret({ namespace: "default", limit: 3 });
  t.is(first.items.length, 3);
  t.truthy(first.metadata!._continue);
  const rest = await core.listNamespacedSecret({ namespace: "default", limit: 3, _continue: first.metadata!._continue! });
  t.is(rest.items.length, 1);
  t.falsy(rest.metadata!._continue);
  t.is(rest.metadata!.resourceVersion, first.metadata!.resourceVersion);
});

test("lists across all namespaces", async (t) => {
  const { core } = await seed(t);
  await core.createNamespace({ body: { metadata: { name: "other" } } });
  await core.createNamespacedSecret({ namespace: "other", body: { metadata: { name: "z", labels: { app: "shop" } } } });
  const all = await core.listSecretForAllNamespaces({ labelSelector: "app=shop" });
  t.deepEqual(all.items.map((s) => `${s.metadata!.namespace}/${s.metadata!.name}`).sort(), [
    "default/a",
    "default/b",
    "default/d",
    "other/z",
  ]);
});
