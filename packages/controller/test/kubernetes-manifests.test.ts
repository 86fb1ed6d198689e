import test from "ava";
import { processCommand } from "@berth/api";
import { groupLabels, groupOf, serviceSelector } from "../src/scheduler/kubernetes/labels.ts";
import {
  envSecretManifest,
  namespaceManifest,
  probe,
  pullSecretManifest,
  replicationControllerManifest,
  resources,
  serviceManifest,
  stopDelaySeconds,
} from "../src/scheduler/kubernetes/manifests.ts";
import { objectName, serviceAddress } from "../src/scheduler/kubernetes/names.ts";
import type { GroupSpec } from "../src/scheduler/types.ts";

const spec: GroupSpec = {
  app: "shop",
  release: 3,
  type: "web",
  image: "registry.example.com/shop:git-abc123",
  command: "node server.js",
  env: { BERTH_APP: "shop", DATABASE_URL: "postgres://u:secret@db/shop" },
  limits: { memory: "512M", cpu: "500m" },
  readiness: { mode: "http", path: "/healthz", initialDelay: 5, timeout: 2, period: 3, failureThreshold: 4 },
};
const settings = { terminationGracePeriodSeconds: 20, pullSecret: false };

test("names objects as Deis Workflow does: the app's namespace, <app>-v<N>-<type>, <app>-<type>, <app>-v<N>-env", (t) => {
  t.is(objectName.namespace("shop"), "shop");
  t.is(objectName.replicationController(spec), "shop-v3-web");
  t.is(objectName.service("shop", "web"), "shop-web");
  t.is(objectName.envSecret("shop", 3), "shop-v3-env");
});

test("the router reaches a Service at its ClusterIP on port 80, an IPv6 one in brackets", (t) => {
  t.is(serviceAddress("10.96.4.7"), "10.96.4.7:80");
  t.is(serviceAddress("fd00:10:96::4"), "[fd00:10:96::4]:80");
});

test("labels the namespace heritage=berth", (t) => {
  t.deepEqual(namespaceManifest("shop").metadata, { name: "shop", labels: { heritage: "berth" } });
});

test("labels the RC and its pods with app, type, version and heritage, and selects one release", (t) => {
  const rc = replicationControllerManifest(spec, settings);
  const labels = { app: "shop", type: "web", version: "3", heritage: "berth" };
  t.is(rc.metadata?.name, "shop-v3-web");
  t.is(rc.metadata?.namespace, "shop");
  t.deepEqual(rc.metadata?.labels, labels);
  t.deepEqual(rc.spec?.template?.metadata?.labels, labels);
  t.deepEqual(rc.spec?.selector, { app: "shop", type: "web", version: "3" });
  t.is(rc.spec?.replicas, 0, "the deployer scales it up batch by batch");
  t.deepEqual(groupOf(labels), { app: "shop", type: "web", release: 3 });
  t.is(groupOf({ app: "shop", type: "web", version: "3" }), undefined, "objects without heritage=berth are not Berth's");
});

test("runs the Procfile command under a shell with the image, the grace period and no pull secret by default", (t) => {
  const pod = replicationControllerManifest(spec, settings).spec?.template?.spec;
  const container = pod?.containers[0];
  t.is(container?.name, "web");
  t.is(container?.image, spec.image);
  t.deepEqual(container?.command, processCommand("node server.js"));
  t.deepEqual([container?.command?.[0], container?.command?.at(-1)], ["/bin/sh", "node server.js"], "under the supervisor");
  t.is(pod?.terminationGracePeriodSeconds, 20);
  t.is(pod?.imagePullSecrets, undefined);
  t.deepEqual(replicationControllerManifest(spec, { ...settings, pullSecret: true }).spec?.template?.spec?.imagePullSecrets, [
    { name: "berth-registry" },
  ]);
  t.is(replicationControllerManifest({ ...spec, command: undefined }, settings).spec?.template?.spec?.containers[0]?.command, undefined);
});

test("a stopping pod keeps serving for a few seconds before SIGTERM, so connections kube-proxy still sends it are answered", (t) => {
  const container = replicationControllerManifest(spec, settings).spec?.template?.spec?.containers[0];
  t.deepEqual(container?.lifecycle, { preStop: { sleep: { seconds: 5 } } }, "the kubelet's sleep: the image needs no sleep program");
  t.deepEqual([30, 20, 9, 4, 1, 0].map(stopDelaySeconds), [5, 5, 4, 2, 0, 0], "at most 5 s and half the grace period");
  const quick = replicationControllerManifest(spec, { ...settings, terminationGracePeriodSeconds: 1 }).spec?.template?.spec?.containers[0];
  t.is(quick?.lifecycle, undefined, "no wait when the grace period leaves no room for one");
});

test("takes the environment from the release's Secret and never inlines a value", (t) => {
  const container = replicationControllerManifest(spec, settings).spec?.template?.spec?.containers[0];
  t.deepEqual(container?.envFrom, [{ secretRef: { name: "shop-v3-env" } }]);
  t.deepEqual(container?.env, [{ name: "PORT", value: "5000" }]);
  t.false(JSON.stringify(container).includes("secret@db"));
  const secret = envSecretManifest(spec);
  t.is(secret.metadata?.name, "shop-v3-env");
  t.is(Buffer.from(secret.data?.DATABASE_URL ?? "", "base64").toString(), "postgres://u:secret@db/shop");
});

test("listens on the config's PORT when it sets one, and leaves PORT to the Secret then", (t) => {
  const container = replicationControllerManifest({ ...spec, env: { PORT: "8080" } }, settings).spec?.template?.spec?.containers[0];
  t.is(container?.env, undefined);
  t.deepEqual(container?.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
  t.is(container?.readinessProbe?.httpGet?.port, 8080);
});

test("turns limits into equal requests and limits, M into Mi", (t) => {
  t.deepEqual(resources({ memory: "512M", cpu: "500m" }), {
    requests: { memory: "512Mi", cpu: "500m" },
    limits: { memory: "512Mi", cpu: "500m" },
  });
  t.deepEqual(resources({ memory: "1G" })?.limits, { memory: "1Gi" });
  t.is(resources(undefined), undefined);
  t.is(resources({}), undefined);
});

test("makes readiness and liveness probes from the healthcheck, TCP on $PORT by default, none for workers", (t) => {
  const container = replicationControllerManifest(spec, settings).spec?.template?.spec?.containers[0];
  const http = {
    httpGet: { path: "/healthz", port: 5000 },
    initialDelaySeconds: 5,
    timeoutSeconds: 2,
    periodSeconds: 3,
    failureThreshold: 4,
  };
  t.deepEqual(container?.readinessProbe, http);
  t.deepEqual(container?.livenessProbe, http);
  const tcp = probe({ mode: "tcp", path: undefined, initialDelay: 0, timeout: 2, period: 2, failureThreshold: 3 }, 5000);
  t.deepEqual(tcp?.tcpSocket, { port: 5000 });
  t.is(probe({ mode: "running", path: undefined, initialDelay: 0, timeout: 2, period: 2, failureThreshold: 3 }, 5000), undefined);
});

test("selects a type's pods of every release in its Service, on port 80 to the pods' http port", (t) => {
  const service = serviceManifest("shop", "web");
  t.is(service.metadata?.name, "shop-web");
  t.deepEqual(service.spec?.selector, { app: "shop", type: "web" });
  t.deepEqual(service.spec?.selector, serviceSelector("shop", "web"));
  t.false("version" in (service.spec?.selector ?? {}));
  t.deepEqual(service.spec?.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
  t.deepEqual(groupLabels(spec).heritage, "berth");
});

test("writes the registry login as a dockerconfigjson Secret", (t) => {
  const secret = pullSecretManifest("shop", { server: "registry.example.com", username: "berth", password: "pw" });
  t.is(secret.type, "kubernetes.io/dockerconfigjson");
  t.is(secret.metadata?.name, "berth-registry");
  const config = JSON.parse(Buffer.from(secret.data?.[".dockerconfigjson"] ?? "", "base64").toString()) as {
    auths: Record<string, { auth: string }>;
  };
  t.is(Buffer.from(config.auths["registry.example.com"]?.auth ?? "", "base64").toString(), "berth:pw");
});
