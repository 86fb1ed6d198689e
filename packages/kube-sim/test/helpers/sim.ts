import { ApiException, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import type { ExecutionContext } from "ava";
import { type KubeSim, type KubeSimOptions, startKubeSim } from "../../src/index.ts";

export interface SimClient {
  sim: KubeSim;
  kc: KubeConfig;
  core: CoreV1Api;
}

/** A simulator for one test, with the real client pointed at it; closed when the test ends. */
export async function simClient(t: ExecutionContext, options: KubeSimOptions = {}): Promise<SimClient> {
  const sim = await startKubeSim(options);
  t.teardown(async () => {
    await sim.close();
    // The in-process controllers report failures here; a run that hid one is a failed run.
    if (sim.errors.length > 0) throw new Error(`the simulator's controllers failed: ${sim.errors.map(String).join("; ")}`);
  });
  const kc = new KubeConfig();
  kc.loadFromOptions(sim.kubeConfig());
  return { sim, kc, core: kc.makeApiClient(CoreV1Api) };
}

export interface Status {
  kind: string;
  status: string;
  code: number;
  reason: string;
  message: string;
  details?: { name?: string; kind?: string; causes?: { reason: string; message: string; field: string }[]; retryAfterSeconds?: number };
}

/** Runs a call that must fail, and returns the Status the server sent (client-node keeps the raw body). */
export async function statusOf(call: Promise<unknown>): Promise<Status> {
  try {
    await call;
  } catch (error) {
    if (error instanceof ApiException) return JSON.parse(error.body as string) as Status;
    throw error;
  }
  throw new Error("the call succeeded, but a failure Status was expected");
}

/** Polls until `check` returns a value, or fails with what was last seen. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const rcBody = (name: string, replicas: number, labels: Record<string, string> = { app: "shop", type: "web" }) => ({
  metadata: { name, labels },
  spec: {
    replicas,
    selector: labels,
    template: { metadata: { labels }, spec: { containers: [{ name: "web", image: "shop:v1", ports: [{ containerPort: 5000 }] }] } },
  },
});

/** True once a read answers 404, undefined while the object is still there (for `eventually`). */
export async function gone(read: () => Promise<unknown>): Promise<true | undefined> {
  try {
    await read();
    return undefined;
  } catch (error) {
    if (error instanceof ApiException && error.code === 404) return true;
    throw error;
  }
}
