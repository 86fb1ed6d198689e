import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { startKubeSim } from "@berth/kube-sim";
import { CoreV1Api, KubeConfig, Log, Watch } from "@kubernetes/client-node";
import type { ExecutionContext } from "ava";
import Docker from "dockerode";
import { KubernetesScheduler, type KubernetesSchedulerOptions } from "../../src/scheduler/kubernetes/scheduler.ts";
import { berthAccount } from "./berth-account.ts";
import { busyboxImage, socketPath, testDockerHost } from "./test-image.ts";

const run = promisify(execFile);

export interface SimCluster {
  /** The tests' own client, as the cluster's administrator. */
  core: CoreV1Api;
  /** What Berth acts with: on a real cluster, its service account under the README's ClusterRole. */
  kc: KubeConfig;
  scheduler: KubernetesScheduler;
  /** The engine the simulator's kubelet runs pods on; undefined against a real cluster. */
  docker: Docker | undefined;
}

/**
 * `BERTH_TEST_KUBECONFIG` (set by scripts/k8s-e2e): run the scheduler's integration tests against that
 * real cluster instead of the simulator.
 */
export function realClusterConfig(): string | undefined {
  return process.env.BERTH_TEST_KUBECONFIG || undefined;
}

/**
 * The app image of the tests: busybox httpd made on the test engine. On a real cluster it is
 * `BERTH_TEST_K8S_IMAGE`, or else that image pushed to the test registry (`BERTH_TEST_REGISTRY`), which
 * the cluster of scripts/with-services pulls from, as a user's cluster pulls from the builder's registry.
 */
export async function clusterTestImage(): Promise<string> {
  if (realClusterConfig() === undefined) return busyboxImage(testDockerHost());
  const given = process.env.BERTH_TEST_K8S_IMAGE;
  if (given) return given;
  const registry = process.env.BERTH_TEST_REGISTRY;
  if (!registry) {
    throw new Error("on a real cluster, set BERTH_TEST_K8S_IMAGE to an image it can pull, or BERTH_TEST_REGISTRY to a registry it pulls from");
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
 * The Kubernetes API simulator with its kubelet on the test engine (probes, crashes and logs are
 * real), the real `@kubernetes/client-node` pointed at it through a kubeconfig, and the scheduler
 * over that client. Kubelet delays run at `timeScale` of real time. Everything is removed after the
 * test. With `BERTH_TEST_KUBECONFIG`, the same against a real cluster, as Berth's service account
 * bound to the ClusterRole README.md documents.
 */
export async function simCluster(t: ExecutionContext, options: KubernetesSchedulerOptions = {}, timeScale = 0.2): Promise<SimCluster> {
  // `admin`: what the tests look with; `kc`: what Berth acts with (on a real cluster, its service account).
  const admin = new KubeConfig();
  let kc = admin;
  let docker: Docker | undefined;
  const real = realClusterConfig();
  if (real !== undefined) {
    admin.loadFromFile(real);
    kc = await berthAccount(admin);
  } else {
    docker = new Docker({ socketPath: socketPath(testDockerHost()) });
    const engine = docker;
    const run = randomBytes(6).toString("hex");
    const labels = { "berth.test": "1", "berth.test-run": run };
    const sim = await startKubeSim({ kubelet: { docker: engine, containerLabels: labels }, timeScale });
    t.teardown(async () => {
      await sim.close();
      const left = await engine.listContainers({ all: true, filters: JSON.stringify({ label: [`berth.test-run=${run}`] }) });
      await Promise.all(left.map((c) => engine.getContainer(c.Id).remove({ force: true })));
    });
    kc.loadFromOptions(sim.kubeConfig());
  }
  const core = admin.makeApiClient(CoreV1Api);
  const scheduler = new KubernetesScheduler(kc.makeApiClient(CoreV1Api), {
    terminationGracePeriodSeconds: 2,
    namespaces: new Watch(kc),
    podLogs: new Log(kc),
    ...options,
  });
  return { core, kc, scheduler, docker };
}

/** Polls until `check` gives a value; fails with `what` after `timeoutMs`. For state the cluster reaches on its own. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
