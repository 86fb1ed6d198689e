import { Watch } from "@kubernetes/client-node";
import test from "ava";
import { eventually, simClient } from "./helpers/sim.ts";

interface Seen {
  type: string;
  name: string;
  rv: string;
  labels: Record<string, string>;
}

async function record(watch: Watch, path: string, query: Record<string, string | boolean>, t: Parameters<typeof simClient>[0]) {
  const seen: Seen[] = [];
  let done: Error | null | undefined;
  const controller = await watch.watch(
    path,
    query,
    (
      type,
      obj: { metadata: { name: string; resourceVersion: string; labels?: Record<string, string> }; code?: number; reason?: string },
    ) => {
      seen.push({
        type,
        name: obj.metadata?.name ?? obj.reason ?? "",
        rv: obj.metadata?.resourceVersion ?? String(obj.code),
        labels: obj.metadata?.labels ?? {},
      });
    },
    (err: Error | null) => {
      done = err;
    },
  );
  t.teardown(() => controller.abort());
  return { seen, ended: () => done };
}

test("streams ADDED, MODIFIED and DELETED after the listed resourceVersion", async (t) => {
  const { kc, core } = await simClient(t);
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "before" } } });
  const list = await core.listNamespacedSecret({ namespace: "default" });
  const { seen } = await record(
    new Watch(kc),
    "/api/v1/namespaces/default/secrets",
    { resourceVersion: list.metadata!.resourceVersion! },
    t,
  );
  const created = await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s" } } });
  const changed = await core.replaceNamespacedSecret({ name: "s", namespace: "default", body: { ...created, stringData: { A: "1" } } });
  await core.deleteNamespacedSecret({ name: "s", namespace: "default" });
  await eventually(() => (seen.length >= 3 ? true : undefined), "three events");
  t.deepEqual(
    seen.map((e) => [e.type, e.name]),
    [
      ["ADDED", "s"],
      ["MODIFIED", "s"],
      ["DELETED", "s"],
    ],
  );
  t.is(seen[0]!.rv, created.metadata!.resourceVersion!);
  t.is(seen[1]!.rv, changed.metadata!.resourceVersion!);
  t.true(Number(seen[2]!.rv) > Number(changed.metadata!.resourceVersion));
});

test("replays current objects as ADDED when no resourceVersion is given", async (t) => {
  const { kc, core } = await simClient(t);
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "one" } } });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "two" } } });
  const { seen } = await record(new Watch(kc), "/api/v1/namespaces/default/secrets", {}, t);
  await eventually(() => (seen.length >= 2 ? true : undefined), "two ADDED events");
  t.deepEqual(
    seen.map((e) => `${e.type} ${e.name}`),
    ["ADDED one", "ADDED two"],
  );
});

test("resumes from a resourceVersion with only the changes made after it", async (t) => {
  const { kc, core } = await simClient(t);
  const first = await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "first" } } });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "second" } } });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "third" } } });
  const { seen } = await record(
    new Watch(kc),
    "/api/v1/namespaces/default/secrets",
    { resourceVersion: first.metadata!.resourceVersion! },
    t,
  );
  await eventually(() => (seen.length >= 2 ? true : undefined), "the two later events");
  t.deepEqual(
    seen.map((e) => `${e.type} ${e.name}`),
    ["ADDED second", "ADDED third"],
  );
});

test("sends an ERROR event with 410 Expired for a resourceVersion older than the history", async (t) => {
  const { sim, kc, core } = await simClient(t);
  const old = await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "old" } } });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "new" } } });
  sim.compactHistory();
  const { seen, ended } = await record(
    new Watch(kc),
    "/api/v1/namespaces/default/secrets",
    { resourceVersion: old.metadata!.resourceVersion! },
    t,
  );
  await eventually(() => (ended() !== undefined ? true : undefined), "the stream to end");
  t.is(seen.length, 1);
  t.is(seen[0]!.type, "ERROR");
  t.is(seen[0]!.rv, "410");
  t.is(ended(), null);
});

test("turns selector transitions into ADDED and DELETED", async (t) => {
  const { kc, core } = await simClient(t);
  const list = await core.listNamespacedSecret({ namespace: "default" });
  const { seen } = await record(
    new Watch(kc),
    "/api/v1/namespaces/default/secrets",
    { resourceVersion: list.metadata!.resourceVersion!, labelSelector: "app=shop" },
    t,
  );
  const s = await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "s", labels: { app: "blog" } } } });
  const joined = await core.replaceNamespacedSecret({
    name: "s",
    namespace: "default",
    body: { ...s, metadata: { ...s.metadata, labels: { app: "shop" } } },
  });
  await core.replaceNamespacedSecret({
    name: "s",
    namespace: "default",
    body: { ...joined, metadata: { ...joined.metadata, labels: { app: "blog" } } },
  });
  await eventually(() => (seen.length >= 2 ? true : undefined), "two events");
  t.deepEqual(
    seen.map((e) => e.type),
    ["ADDED", "DELETED"],
  );
  t.deepEqual(seen[1]!.labels, { app: "shop" });
});

test("closes the stream cleanly at timeoutSeconds and sends bookmarks when allowed", async (t) => {
  const { kc, core } = await simClient(t, { bookmarkIntervalMs: 100 });
  const list = await core.listNamespacedSecret({ namespace: "default" });
  const { seen, ended } = await record(
    new Watch(kc),
    "/api/v1/namespaces/default/secrets",
    { resourceVersion: list.metadata!.resourceVersion!, allowWatchBookmarks: true, timeoutSeconds: "1" },
    t,
  );
  await eventually(() => (ended() !== undefined ? true : undefined), "the stream to end", 5000);
  t.is(ended(), null);
  t.true(seen.length >= 2);
  t.true(seen.every((e) => e.type === "BOOKMARK" && e.rv === list.metadata!.resourceVersion));
});
