import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { hostPortAnnotation } from "../endpoints-controller.ts";
import type { Pod } from "../kinds/shapes.ts";
import type { LogRequest } from "../pod-logs.ts";
import { badRequest } from "../status.ts";
import { ContainerWorker } from "./container-worker.ts";
import { containerLogs } from "./docker-logs.ts";
import { freePort } from "./ports.ts";
import type { PodHost, PodRunner, Runtime } from "./runtime.ts";

export interface DockerRuntimeOptions {
  docker: Docker;
  /** Labels put on every container, e.g. `{"berth.test": "1"}` so a test run can clean up. */
  containerLabels?: Record<string, string>;
}

/**
 * Runs pods as Docker containers on the host network. A pod's first container listens on the
 * port the simulator picked at binding (given as `PORT` and kept in the pod's host-port
 * annotation); further containers get ports of their own. `status.podIP` is 127.0.0.1.
 */
export class DockerRuntime implements Runtime {
  readonly #docker: Docker;
  readonly #labels: Record<string, string>;
  readonly #taken = new Set<number>();

  constructor(options: DockerRuntimeOptions) {
    this.#docker = options.docker;
    this.#labels = options.containerLabels ?? {};
  }

  async assignAddress(_pod: Pod): Promise<{ podIP: string; hostPort: number }> {
    return { podIP: "127.0.0.1", hostPort: await freePort(this.#taken) };
  }

  run(host: PodHost): PodRunner {
    const pod = host.pod;
    const workers = new Map<string, ContainerWorker>();
    const started = (async () => {
      const first = Number(pod.metadata.annotations?.[hostPortAnnotation]) || (await freePort(this.#taken));
      for (const [i, container] of pod.spec.containers.entries()) {
        const labels = {
          ...this.#labels,
          "io.kubernetes.pod.name": pod.metadata.name!,
          "io.kubernetes.pod.namespace": pod.metadata.namespace!,
          "io.kubernetes.pod.uid": pod.metadata.uid!,
          "io.kubernetes.container.name": container.name,
        };
        const port = i === 0 ? first : await freePort(this.#taken);
        const worker = new ContainerWorker({ docker: this.#docker, host, container, port, labels });
        workers.set(container.name, worker);
        worker.start();
      }
    })();
    return {
      stop: async (graceSeconds: number) => {
        await started;
        await Promise.all([...workers.values()].map((w) => w.stop(graceSeconds)));
      },
      logs: async (request: LogRequest): Promise<Readable> => {
        await started;
        const worker = workers.get(request.container);
        const id = request.previous ? worker?.previousId : worker?.currentId;
        if (!id) throw badRequest(`container "${request.container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating`);
        return containerLogs(this.#docker, id, request);
      },
    };
  }

  async close(): Promise<void> {}
}
