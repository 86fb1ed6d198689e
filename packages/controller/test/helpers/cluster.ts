import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CoreV1Api, KubeConfig, type KubernetesObject, KubernetesObjectApi, Log, loadAllYaml, Watch } from "@kubernetes/client-node";
import type { ExecutionContext } from "ava";
import { KubernetesScheduler, type KubernetesSchedulerOptions } from "../../src/scheduler/kubernetes/scheduler.ts";
import { berthAccount } from "./berth-account.ts";
import { eventually } from "./eventually.ts";
import { busyboxImage, testDockerHost } from "./test-image.ts";

const run = promisify(execFile);

export interface TestCluster {
  /** The tests' own client, as the cluster's administrator: what they look with. */
  core: CoreV1Api;
  /** What Berth acts with: its service account, bound to the ClusterRole README.md documents. */
  kc: KubeConfig;
  /** Berth's core/v1 client (over `kc`). */
  berth: CoreV1Api;
  scheduler: KubernetesScheduler;
}

/**
 * The kubeconfig of the real cluster the Kubernetes tests run against: `BERTH_TEST_KUBECONFIG`, which
 * scripts/with-services sets when it starts scripts/kube-cluster, and scripts/k8s-e2e for any other.
 */
export function clusterConfig(): string {
  const path = process.env.BERTH_TEST_KUBECONFIG;
  if (!path) {
    throw new Error(
      "the Kubernetes tests need a cluster: run them with scripts/k8s-e2e under scripts/with-services (as root it starts one with scripts/kube-cluster), or set BERTH_TEST_KUBECONFIG",
    );
  }
  return path;
}

/** The cluster's administrator, from {@link clusterConfig}. */
export function adminConfig(): KubeConfig {
  const admin = new KubeConfig();
  admin.loadFromFile(clusterConfig());
  return admin;
}

/** A name no other test (or earlier run) uses: test files share the cluster and run at once. */
export function uniqueApp(prefix = "k"): string {
  return `${prefix}-${randomBytes(4).toString("hex")}`;
}

/**
 * The app image of the tests, busybox httpd made on the test engine: `BERTH_TEST_K8S_IMAGE`, or else
 * that image pushed to the test registry (`BERTH_TEST_REGISTRY`), which the cluster of
 * scripts/with-services pulls from, as a user's cluster pulls from the builder's registry.
 */
export async function clusterTestImage(): Promise<string> {
  const given = process.env.BERTH_TEST_K8S_IMAGE;
  if (given) return given;
  const registry = process.env.BERTH_TEST_REGISTRY;
  if (!registry) {
    throw new Error("set BERTH_TEST_K8S_IMAGE to an image the cluster can pull, or BERTH_TEST_REGISTRY to a registry it pulls from");
  }
  const host = testDockerHost();
  const local = await busyboxImage(host);
  const remote = `${registry}/${local}`;
  const env = { ...process.env, DOCKER_HOST: host };
  await run("docker", ["tag", local, remote], { env });
  await run("docker", ["push", "--quiet", remote], { env });
  return remote;
}

/**
 * The real cluster, the real `@kubernetes/client-node` acting as Berth's service account, and the
 * scheduler over that client.
 */
export async function testCluster(options: KubernetesSchedulerOptions = {}): Promise<TestCluster> {
  const admin = adminConfig();
  const kc = await berthAccount(admin);
  const berth = kc.makeApiClient(CoreV1Api);
  const scheduler = new KubernetesScheduler(berth, {
    terminationGracePeriodSeconds: 2,
    namespaces: new Watch(kc),
    podLogs: new Log(kc),
    ...options,
  });
  return { core: admin.makeApiClient(CoreV1Api), kc, berth, scheduler };
}

/** Berth's kubeconfig as a file in `dir`, for a controller started as a process with `KUBECONFIG`. */
export async function berthKubeconfigFile(dir: string): Promise<string> {
  const path = join(dir, "berth.kubeconfig");
  await writeFile(path, (await berthAccount(adminConfig())).exportConfig(), { mode: 0o600 });
  return path;
}

/** What the namespace's pods are doing: phase, conditions, container states and the latest events. */
export async function describePods(core: CoreV1Api, namespace: string): Promise<string> {
  const pods = (await core.listNamespacedPod({ namespace })).items;
  const events = (await core.listNamespacedEvent({ namespace })).items.slice(-10);
  const lines = pods.map((p) => {
    const conditions = (p.status?.conditions ?? []).map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ""}`).join(" ");
    const containers = (p.status?.containerStatuses ?? [])
      .map((c) => `${c.name}: ${c.state?.waiting?.reason ?? (c.state?.terminated ? `exited ${c.state.terminated.exitCode}` : "running")}`)
      .join(", ");
    return `pod ${p.metadata?.name}: ${p.status?.phase} ${conditions} ${containers}`;
  });
  const said = events.map((e) => `event ${e.involvedObject?.name}: ${e.reason}: ${e.message}`);
  return [`in namespace ${namespace}:`, ...(lines.length > 0 ? lines : ["no pods"]), ...said].join("\n");
}

/** {@link eventually} for what the app's pods reach; a timeout shows their conditions and events. */
export function podsEventually<T>(
  core: CoreV1Api,
  app: string,
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  return eventually(check, what, timeoutMs, () => describePods(core, app));
}

/** The app's namespace is deleted after the test, whatever happened in it. */
export function removedAfter(t: ExecutionContext, cluster: TestCluster, app: string): void {
  t.teardown(() => cluster.scheduler.destroyApp(app).catch(() => {}));
}

/**
 * Sends every object of a multi-document YAML to the API server as a server-side dry run (`dryRun=All`):
 * admission, defaulting and validation happen, nothing is stored. Returns each object's `Kind/name`
 * and the server's refusal, if any. Namespaced objects land in `namespace`, which must exist.
 */
export async function serverDryRun(manifests: string, namespace: string): Promise<{ object: string; refused: string | undefined }[]> {
  const objects = KubernetesObjectApi.makeApiClient(adminConfig());
  const results: { object: string; refused: string | undefined }[] = [];
  for (const spec of loadAllYaml(manifests) as KubernetesObject[]) {
    if (spec === null || spec === undefined) continue;
    const object = `${spec.kind}/${spec.metadata?.name}`;
    const body = { ...spec, metadata: { ...spec.metadata, namespace: spec.metadata?.namespace ?? namespace } };
    const refused = await objects.create(body, undefined, "All").then(
      () => undefined,
      (error: { body?: unknown; message?: string }) => (typeof error.body === "string" ? error.body : (error.message ?? String(error))),
    );
    results.push({ object, refused });
  }
  return results;
}
export { eventually } from "./eventually.ts";

/**
 * Static hostPath PersistentVolumes of `storageClass` in `dir` (the test cluster has no provisioner):
 * the real PV controller binds claims to them as a provisioner's volumes would be. Their directories
 * are writable by any user, since hostPath volumes get no fsGroup. Deleted with `remove()`.
 */
export async function hostPathVolumes(dir: string, storageClass: string, count: number): Promise<{ remove(): Promise<void> }> {
  const core = adminConfig().makeApiClient(CoreV1Api);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${storageClass}-${i}`;
    const path = join(dir, name);
    await mkdir(path, { recursive: true });
    await chmod(path, 0o777);
    await core.createPersistentVolume({
      body: {
        metadata: { name },
        spec: {
          storageClassName: storageClass,
          capacity: { storage: "100Gi" },
          accessModes: ["ReadWriteOnce"],
          persistentVolumeReclaimPolicy: "Retain",
          hostPath: { path, type: "Directory" },
        },
      },
    });
    names.push(name);
  }
  return {
    async remove() {
      for (const name of names) await core.deletePersistentVolume({ name }).catch(() => {});
    },
  };
}
export { documentedClusterRole } from "./berth-account.ts";
export { loadYaml } from "@kubernetes/client-node";
