import { randomBytes } from "node:crypto";
import { CoreV1Api, KubeConfig, Watch } from "@kubernetes/client-node";
import { type KubeSim, startKubeSim } from "@berth/kube-sim";
import type { ExecutionContext } from "ava";
import Docker from "dockerode";
import { KubernetesScheduler, type KubernetesSchedulerOptions } from "../../src/scheduler/kubernetes/scheduler.ts";
import { socketPath, testDockerHost } from "./test-image.ts";

export interface SimCluster {
  sim: KubeSim;
  core: CoreV1Api;
  kc: KubeConfig;
  scheduler: KubernetesScheduler;
  docker: Docker;
}

/**
 * The Kubernetes API simulator with its kubelet on the test engine (probes, crashes and logs are
 * real), the real `@kubernetes/client-node` pointed at it through a kubeconfig, and the scheduler
 * over that client. Kubelet delays run at `timeScale` of real time. Everything is removed after the test.
 */
export async function simCluster(t: ExecutionContext, options: KubernetesSchedulerOptions = {}, timeScale = 0.2): Promise<SimCluster> {
  const host = testDockerHost();
  const docker = new Docker({ socketPath: socketPath(host) });
  const run = randomBytes(6).toString("hex");
  const sim = await startKubeSim({ kubelet: { docker, containerLabels: { "berth.test": "1", "berth.test-run": run } }, timeScale });
  t.teardown(async () => {
    await sim.close();
    const left = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`berth.test-run=${run}`] }) });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
  });
  const kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeConfig());
  const core = kc.makeApiClient(CoreV1Api);
  const scheduler = new KubernetesScheduler(core, { terminationGracePeriodSeconds: 2, namespaces: new Watch(kc), ...options });
  return { sim, core, kc, scheduler, docker };
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
