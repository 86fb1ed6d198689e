import { PassThrough, type Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Pod } from "../kinds/shapes.ts";
import { timestamp } from "../meta.ts";
import type { LogRequest } from "../pod-logs.ts";
import type { PodHost, PodRunner, Runtime } from "./runtime.ts";

export interface FakeRuntimeOptions {
  /** How long after binding a pod's containers count as started and ready (default 100 ms). */
  startDelayMs?: number;
}

/**
 * The rule without a container engine: `startDelayMs` after a pod is bound, every container is
 * running, started and ready, and the pod Running and Ready with an IP from 10.244.0.0/16. Nothing
 * runs: probes are not executed, containers never crash, logs are empty.
 */
export class FakeRuntime implements Runtime {
  readonly #delay: number;
  #nextIp = 2;

  constructor(options: FakeRuntimeOptions = {}) {
    this.#delay = options.startDelayMs ?? 100;
  }

  async assignAddress(_pod: Pod): Promise<{ podIP: string }> {
    const n = this.#nextIp++;
    return { podIP: `10.244.${Math.floor(n / 256) % 256}.${n % 256}` };
  }

  run(host: PodHost): PodRunner {
    const stopped = new AbortController();
    const follows = new Set<PassThrough>();
    sleep(this.#delay, undefined, { signal: stopped.signal })
      .then(() => {
        for (const c of host.pod.spec.containers) {
          host.update({
            name: c.name,
            image: c.image,
            imageID: `kube-sim://${c.image}`,
            containerID: `kube-sim://${host.pod.metadata.uid}-${c.name}`,
            state: { running: { startedAt: timestamp() } },
            lastState: {},
            ready: true,
            started: true,
            restartCount: 0,
            finished: false,
          });
          host.event({
            type: "Normal",
            reason: "Started",
            message: `Started container ${c.name}`,
            fieldPath: `spec.containers{${c.name}}`,
          });
        }
      })
      .catch(() => {});
    return {
      stop: async () => {
        stopped.abort();
        for (const f of follows) f.end();
      },
      logs: async (request: LogRequest): Promise<Readable> => {
        const out = new PassThrough();
        if (request.follow) follows.add(out);
        else out.end();
        return out;
      },
    };
  }

  async close(): Promise<void> {}
}
