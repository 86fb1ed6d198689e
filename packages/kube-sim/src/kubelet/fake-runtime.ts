import { PassThrough, type Readable } from "node:stream";
import type { Container, Pod } from "../kinds/shapes.ts";
import { timestamp } from "../meta.ts";
import type { LogRequest } from "../pod-logs.ts";
import { sleep } from "./backoff.ts";
import { ConfigError, containerEnv } from "./env.ts";
import { type ContainerRecord, type PodHost, type PodRunner, type Runtime, waitingRecord } from "./runtime.ts";

/** What a fake container does, as a test scripts it. */
export type FakeOutcome = "Ready" | "NotReady" | "CrashLoopBackOff" | "ImagePullBackOff";

export interface FakeRuntimeOptions {
  /** How long after binding a pod's containers reach their outcome (default 100 ms). */
  startDelayMs?: number;
  /** Each container's outcome (default: every container `Ready`). */
  outcome?: (pod: Pod, container: Container) => FakeOutcome;
}

/**
 * The rule without a container engine: `startDelayMs` after a pod is bound, every container is
 * running, started and ready, and the pod Running and Ready with an IP from 10.244.0.0/16 — unless
 * the `outcome` option scripts it otherwise, or a referenced Secret or key is missing
 * (CreateContainerConfigError until it appears). Nothing runs: probes are not executed, logs are empty.
 */
export class FakeRuntime implements Runtime {
  readonly #delay: number;
  readonly #outcome: NonNullable<FakeRuntimeOptions["outcome"]>;
  #nextIp = 2;

  constructor(options: FakeRuntimeOptions = {}) {
    this.#delay = options.startDelayMs ?? 100;
    this.#outcome = options.outcome ?? (() => "Ready");
  }

  async assignAddress(_pod: Pod): Promise<{ podIP: string }> {
    const n = this.#nextIp++;
    return { podIP: `10.244.${Math.floor(n / 256) % 256}.${n % 256}` };
  }

  run(host: PodHost): PodRunner {
    const stopped = new AbortController();
    const follows = new Set<PassThrough>();
    for (const c of host.pod.spec.containers) this.#start(host, c, stopped.signal);
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

  /**
   * After the start delay, the container's Secret references must resolve, as on a real kubelet:
   * until they do it waits in CreateContainerConfigError, checked again every start delay.
   */
  async #start(host: PodHost, c: Container, signal: AbortSignal): Promise<void> {
    let reported = "";
    while (await sleep(this.#delay, signal)) {
      try {
        containerEnv(c, host.pod.metadata.namespace!, host.secret, undefined);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        if (error.message !== reported) {
          reported = error.message;
          host.update({ ...waitingRecord(c.name, c.image, "CreateContainerConfigError", error.message) });
          host.event({ type: "Warning", reason: "Failed", message: `Error: ${error.message}`, fieldPath: `spec.containers{${c.name}}` });
        }
        continue;
      }
      this.#reach(host, c, this.#outcome(host.pod, c));
      return;
    }
  }

  /** Writes the container status and kubelet events of one scripted outcome. */
  #reach(host: PodHost, c: Container, outcome: FakeOutcome): void {
    const pod = host.pod;
    const fieldPath = `spec.containers{${c.name}}`;
    const who = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    const now = timestamp();
    const record: ContainerRecord = {
      name: c.name,
      image: c.image,
      imageID: `kube-sim://${c.image}`,
      containerID: `kube-sim://${pod.metadata.uid}-${c.name}`,
      state: { running: { startedAt: now } },
      lastState: {},
      ready: outcome === "Ready",
      started: true,
      restartCount: 0,
      finished: false,
    };
    if (outcome === "ImagePullBackOff") {
      const why = "kube-sim: scripted image pull failure";
      host.update({
        ...record,
        imageID: "",
        state: { waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}": ErrImagePull: ${why}` } },
        ready: false,
        started: false,
      });
      host.event({ type: "Warning", reason: "Failed", message: `Failed to pull image "${c.image}": ${why}`, fieldPath });
      host.event({ type: "Warning", reason: "Failed", message: "Error: ErrImagePull", fieldPath });
      host.event({ type: "Normal", reason: "BackOff", message: `Back-off pulling image "${c.image}"`, fieldPath });
      return;
    }
    host.event({ type: "Normal", reason: "Started", message: `Started container ${c.name}`, fieldPath });
    if (outcome === "CrashLoopBackOff") {
      const terminated = { exitCode: 1, reason: "Error", startedAt: now, finishedAt: now, containerID: record.containerID! };
      const waiting = { reason: "CrashLoopBackOff", message: `back-off 10s restarting failed container=${c.name} pod=${who}` };
      host.update({ ...record, state: { waiting }, lastState: { terminated }, ready: false, started: false, restartCount: 1 });
      host.event({
        type: "Warning",
        reason: "BackOff",
        message: `Back-off restarting failed container ${c.name} in pod ${who}`,
        fieldPath,
      });
      return;
    }
    host.update(record);
    if (outcome === "NotReady")
      host.event({ type: "Warning", reason: "Unhealthy", message: "Readiness probe failed: kube-sim: scripted as NotReady", fieldPath });
  }

  async close(): Promise<void> {}
}
