import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import test from "ava";
import { rcBody, simClient, statusOf } from "./helpers/sim.ts";

test("creates a namespace with server-set metadata and its defaults", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const ns = await core.createNamespace({ body: { metadata: { name: "shop" } } });
  t.regex(ns.metadata!.uid!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.true(ns.metadata!.creationTimestamp instanceof Date);
  t.regex(ns.metadata!.resourceVersion!, /^\d+$/);
  t.is(ns.status!.phase, "Active");
  t.deepEqual(ns.spec!.finalizers, ["kubernetes"]);
  t.is(ns.metadata!.labels!["kubernetes.io/metadata.name"], "shop");
  const read = await core.readNamespace({ name: "shop" });
  t.is(read.metadata!.uid, ns.metadata!.uid);
});

test("answers 201 to a create and 409 AlreadyExists to a second one", async (t) => {
  const { sim } = await simClient(t, { controllers: false });
  const post = () =>
    fetch(`${sim.url}/api/v1/namespaces/default/secrets`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ metadata: { name: "env" }, stringData: { A: "1" } }),
    });
  const first = await post();
  t.is(first.status, 201);
  t.is(first.headers.get("content-type"), "application/json");
  const second = await post();
  t.is(second.status, 409);
  t.like(await second.json(), {
    kind: "Status",
    status: "Failure",
    code: 409,
    reason: "AlreadyExists",
    message: 'secrets "env" already exists',
    details: { name: "env", kind: "secrets" },
  });
});

test("answers 404 NotFound with the plural as details.kind", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const status = await statusOf(core.readNamespacedReplicationController({ name: "shop-v3-web", namespace: "default" }));
  t.like(status, {
    code: 404,
    reason: "NotFound",
    message: 'replicationcontrollers "shop-v3-web" not found',
    details: { kind: "replicationcontrollers" },
  });
});

test("refuses to create into a namespace that does not exist", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const status = await statusOf(core.createNamespacedSecret({ namespace: "nowhere", body: { metadata: { name: "x" } } }));
  t.like(status, { code: 404, reason: "NotFound", message: 'namespaces "nowhere" not found' });
});

test("rejects a name that is not a DNS-1123 label with 422 Invalid and a cause", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const status = await statusOf(core.createNamespace({ body: { metadata: { name: "Shop_1" } } }));
  t.is(status.code, 422);
  t.is(status.reason, "Invalid");
  t.regex(status.message, /^Namespace "Shop_1" is invalid: metadata.name: Invalid value: "Shop_1": a lowercase RFC 1123 label/);
  t.like(status.details, { name: "Shop_1", kind: "Namespace" });
  t.is(status.details!.causes![0]!.field, "metadata.name");
  t.is(status.details!.causes![0]!.reason, "FieldValueInvalid");
});

test("rejects a service name starting with a digit (DNS-1035)", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const status = await statusOf(
    core.createNamespacedService({ namespace: "default", body: { metadata: { name: "1web" }, spec: { ports: [{ port: 80 }] } } }),
  );
  t.is(status.code, 422);
  t.regex(status.message, /DNS-1035 label/);
});

test("rejects an RC whose selector does not match its template labels", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const body = rcBody("shop-v3-web", 1);
  body.spec.selector = { app: "shop", version: "v3" };
  const status = await statusOf(core.createNamespacedReplicationController({ namespace: "default", body }));
  t.is(status.code, 422);
  t.like(status.details, { kind: "ReplicationController", name: "shop-v3-web" });
  t.is(status.details!.causes![0]!.field, "spec.template.metadata.labels");
  t.regex(status.message, /`selector` does not match template `labels`/);
});

test("asks for a name or generateName", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const status = await statusOf(core.createNamespacedSecret({ namespace: "default", body: { metadata: {} } }));
  t.is(status.code, 422);
  t.regex(status.message, /metadata.name: Required value: name or generateName is required/);
});

test("generates a name from generateName with five random characters", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const secret = await core.createNamespacedSecret({ namespace: "default", body: { metadata: { generateName: "web-v3-" } } });
  t.regex(secret.metadata!.name!, /^web-v3-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test("bumps one cluster-wide resourceVersion on every write", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const a = await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "a" } } });
  const b = await core.createNamespace({ body: { metadata: { name: "b" } } });
  t.true(Number(b.metadata!.resourceVersion) > Number(a.metadata!.resourceVersion));
  const list = await core.listNamespacedSecret({ namespace: "default" });
  t.is(list.metadata!.resourceVersion, b.metadata!.resourceVersion);
});

test("rejects a PUT carrying a stale resourceVersion with 409 Conflict", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const rc = await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 1) });
  const fresh = await core.replaceNamespacedReplicationController({
    name: "shop-v1-web",
    namespace: "default",
    body: { ...rc, spec: { ...rc.spec!, replicas: 2 } },
  });
  t.not(fresh.metadata!.resourceVersion, rc.metadata!.resourceVersion);
  const status = await statusOf(
    core.replaceNamespacedReplicationController({
      name: "shop-v1-web",
      namespace: "default",
      body: { ...rc, spec: { ...rc.spec!, replicas: 3 } },
    }),
  );
  t.like(status, {
    code: 409,
    reason: "Conflict",
    message:
      'Operation cannot be fulfilled on replicationcontrollers "shop-v1-web": the object has been modified; please apply your changes to the latest version and try again',
  });
  t.is((await core.readNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" })).spec!.replicas, 2);
});

test("raises an RC's generation only when its spec changes", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const rc = await core.createNamespacedReplicationController({ namespace: "default", body: rcBody("shop-v1-web", 1) });
  t.is(rc.metadata!.generation, 1);
  const relabelled = await core.replaceNamespacedReplicationController({
    name: "shop-v1-web",
    namespace: "default",
    body: { ...rc, metadata: { ...rc.metadata, annotations: { note: "x" } } },
  });
  t.is(relabelled.metadata!.generation, 1);
  const scaled = await core.replaceNamespacedReplicationController({
    name: "shop-v1-web",
    namespace: "default",
    body: { ...relabelled, spec: { ...relabelled.spec!, replicas: 4 } },
  });
  t.is(scaled.metadata!.generation, 2);
});

test("ignores status written through the main resource", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const rc = await core.createNamespacedReplicationController({
    namespace: "default",
    body: { ...rcBody("shop-v1-web", 1), status: { replicas: 9, readyReplicas: 9 } },
  });
  t.is(rc.status!.replicas, 0);
  t.is(rc.status!.readyReplicas, undefined);
});

test("never creates with PUT", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const status = await statusOf(
    core.replaceNamespacedSecret({ name: "ghost", namespace: "default", body: { metadata: { name: "ghost" } } }),
  );
  t.is(status.code, 404);
});

test("refuses a body whose name differs from the URL with 400 BadRequest", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "one" } } });
  const status = await statusOf(core.replaceNamespacedSecret({ name: "one", namespace: "default", body: { metadata: { name: "two" } } }));
  t.like(status, { code: 400, reason: "BadRequest", message: "the name of the object (two) does not match the name on the URL (one)" });
});

test("answers 405 MethodNotAllowed to a verb a path does not serve", async (t) => {
  const { sim } = await simClient(t, { controllers: false });
  const response = await fetch(`${sim.url}/api/v1/pods`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
  t.is(response.status, 405);
  t.like(await response.json(), { kind: "Status", code: 405, reason: "MethodNotAllowed" });
});

test("merges a secret's stringData into base64 data and never returns it", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const secret = await core.createNamespacedSecret({
    namespace: "default",
    body: {
      metadata: { name: "shop-v1-env" },
      data: { PORT: Buffer.from("1").toString("base64") },
      stringData: { PORT: "5000", DB: "pg://x" },
    },
  });
  t.is(secret.type, "Opaque");
  t.is(secret.stringData, undefined);
  t.deepEqual(secret.data, { PORT: Buffer.from("5000").toString("base64"), DB: Buffer.from("pg://x").toString("base64") });
});

test("allocates a clusterIP and keeps it when a PUT omits it", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const svc = await core.createNamespacedService({
    namespace: "default",
    body: { metadata: { name: "shop-web" }, spec: { selector: { app: "shop" }, ports: [{ name: "http", port: 80, targetPort: 5000 }] } },
  });
  t.regex(svc.spec!.clusterIP!, /^10\.96\.\d+\.\d+$/);
  t.is(svc.spec!.type, "ClusterIP");
  t.is(svc.spec!.ports![0]!.protocol, "TCP");
  const replaced = await core.replaceNamespacedService({
    name: "shop-web",
    namespace: "default",
    body: { metadata: { name: "shop-web" }, spec: { selector: { app: "shop" }, ports: [{ name: "http", port: 8080 }] } },
  });
  t.is(replaced.spec!.clusterIP, svc.spec!.clusterIP);
  t.is(replaced.spec!.ports![0]!.targetPort, 8080);
});

test("returns the deleted pod but a Success Status for a deleted secret", async (t) => {
  const { sim, core } = await simClient(t, { controllers: false });
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "gone" } } });
  const response = await fetch(`${sim.url}/api/v1/namespaces/default/secrets/gone`, { method: "DELETE" });
  t.like(await response.json(), { kind: "Status", status: "Success", details: { name: "gone", kind: "secrets" } });
  await core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "x:1" }] } },
  });
  const pod = await fetch(`${sim.url}/api/v1/namespaces/default/pods/p`, { method: "DELETE" });
  t.like(await pod.json(), { kind: "Pod", metadata: { name: "p" } });
  t.is((await statusOf(core.readNamespacedPod({ name: "p", namespace: "default" }))).code, 404);
});

test("serves the discovery documents kubectl reads", async (t) => {
  const { sim } = await simClient(t, { controllers: false });
  const v1 = (await (await fetch(`${sim.url}/api/v1`)).json()) as { resources: { name: string; kind: string }[] };
  const names = v1.resources.map((r) => r.name);
  for (const name of [
    "namespaces",
    "pods",
    "pods/log",
    "replicationcontrollers",
    "replicationcontrollers/scale",
    "services",
    "endpoints",
    "secrets",
    "events",
  ]) {
    t.true(names.includes(name), name);
  }
  t.like(await (await fetch(`${sim.url}/version`)).json(), { major: "1" });
});

test("refuses a dry run instead of applying it", async (t) => {
  const { core } = await simClient(t, { controllers: false });
  const status = await statusOf(core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "dry" } }, dryRun: "All" }));
  t.like(status, { code: 400, reason: "BadRequest" });
  t.is((await statusOf(core.readNamespacedSecret({ name: "dry", namespace: "default" }))).code, 404);
});

test("deletes a collection by label selector and answers with what it deleted", async (t) => {
  const { sim, core } = await simClient(t, { controllers: false });
  for (const [name, app] of [
    ["a", "shop"],
    ["b", "shop"],
    ["c", "blog"],
  ] as const) {
    await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name, labels: { app } } } });
  }
  const response = await fetch(`${sim.url}/api/v1/namespaces/default/secrets?labelSelector=app%3Dshop`, { method: "DELETE" });
  const deleted = (await response.json()) as { kind: string; items: { metadata: { name: string } }[] };
  t.is(deleted.kind, "SecretList");
  t.deepEqual(
    deleted.items.map((s) => s.metadata.name),
    ["a", "b"],
  );
  t.deepEqual(
    (await core.listNamespacedSecret({ namespace: "default" })).items.map((s) => s.metadata!.name),
    ["c"],
  );
});

test("writes a kubeconfig file text that client-node loads", async (t) => {
  const { sim } = await simClient(t, { controllers: false });
  const kc = new KubeConfig();
  kc.loadFromString(sim.kubeConfigYaml());
  const names = (await kc.makeApiClient(CoreV1Api).listNamespace()).items.map((n) => n.metadata!.name);
  t.deepEqual(names, ["default", "kube-system"]);
});
