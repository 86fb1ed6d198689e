import { createServer } from "node:net";
import type Docker from "dockerode";
import type { ContainerInfo, ContainerInspectInfo } from "dockerode";
import { BerthError } from "../../errors.ts";
import { groupName } from "../names.ts";
import type { Group, GroupRef, GroupSpec, Instance, InstanceState, LogLine, LogOptions, MemoryUse, Scheduler } from "../types.ts";
import { type ContainerOptionsSettings, containerOptions, type DockerNetwork } from "./container-options.ts";
import { engineError, statusOf } from "./errors.ts";
import { watchContainerEvents } from "./engine-events.ts";
import { followContainerLogs } from "./follow.ts";
import { LABEL, labelFilter, readinessFromLabel } from "./labels.ts";
import { demuxLogs } from "./logs.ts";
import { addMemory, usedBytes } from "./memory.ts";
import { probe } from "./probe.ts";
import { pullImage } from "./pull.ts";

/** The parts of dockerode the scheduler uses. */
export type DockerClient = Pick<
  Docker,
  "listContainers" | "createContainer" | "getContainer" | "getImage" | "pull" | "listImages" | "getEvents"
>;

export interface DockerSchedulerOptions {
  network?: DockerNetwork;
  maxRestarts?: number;
  stopTimeout?: number;
  labels?: Record<string, string>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function stateOf(info: ContainerInspectInfo): InstanceState {
  if (info.State.Restarting) return "restarting";
  if (info.State.Status === "created") return "starting";
  if (info.State.Running) return "running";
  return "exited";
}

/**
 * The embedded scheduler: a group is the set of containers labelled with its app, release and type;
 * everything it reports is read from the engine. The only controller module that imports dockerode.
 */
export class DockerScheduler implements Scheduler {
  readonly #docker: DockerClient;
  readonly #settings: ContainerOptionsSettings;

  constructor(docker: DockerClient, options: DockerSchedulerOptions = {}) {
    this.#docker = docker;
    this.#settings = {
      network: options.network ?? { mode: "bridge", network: "bridge", containerPort: 5000 },
      maxRestarts: options.maxRestarts ?? 5,
      stopTimeout: options.stopTimeout ?? 10,
      labels: options.labels ?? {},
    };
  }

  /** Nothing runs at 0 instances; the image must be in the engine, and is pulled when it is not. */
  async createGroup(spec: GroupSpec): Promise<void> {
    try {
      await this.#docker.getImage(spec.image).inspect();
      return;
    } catch (cause) {
      if (statusOf(cause) !== 404) throw engineError(`inspect image ${spec.image}`, cause);
    }
    try {
      await pullImage(this.#docker, spec.image);
    } catch (cause) {
      throw new BerthError(
        "UNAVAILABLE",
        `image ${spec.image} is not in the Docker engine and could not be pulled: ${(cause as Error).message}`,
        {
          cause,
          hint: "push the code again so the builder makes the image, or check the image reference and the registry",
        },
      );
    }
  }

  async scaleGroup(spec: GroupSpec, replicas: number): Promise<void> {
    const containers = await this.#containers(spec.app, spec);
    const indexes = containers.map((c) => Number(c.Labels[LABEL.index])).sort((a, b) => a - b);
    if (indexes.length > replicas) {
      const gone = new Set(indexes.slice(replicas));
      await Promise.all(containers.filter((c) => gone.has(Number(c.Labels[LABEL.index]))).map((c) => this.#remove(c.Id)));
      return;
    }
    // A container created but never started (its controller died in between) is started now.
    for (const container of containers.filter((c) => c.State === "created")) {
      try {
        await this.#docker.getContainer(container.Id).start();
      } catch (cause) {
        if (statusOf(cause) !== 304) throw engineError(`start ${container.Names[0]?.slice(1) ?? container.Id}`, cause, spec.env);
      }
    }
    const used = new Set(indexes);
    const ports = new Set(containers.map((c) => c.Labels[LABEL.port]));
    for (let index = 1, missing = replicas - indexes.length; missing > 0; index++) {
      if (used.has(index)) continue;
      let hostPort: number | undefined;
      if (this.#settings.network.mode === "host" && spec.env.PORT === undefined) {
        do hostPort = await freePort();
        while (ports.has(String(hostPort)));
        ports.add(String(hostPort));
      }
      const options = containerOptions(spec, { index, ...(hostPort === undefined ? {} : { hostPort }) }, this.#settings);
      try {
        const container = await this.#docker.createContainer(options);
        await container.start();
      } catch (cause) {
        throw engineError(`start ${options.name}`, cause, spec.env);
      }
      missing--;
    }
  }

  async removeInstances(group: GroupRef, names: string[]): Promise<void> {
    const containers = await this.#containers(group.app, group);
    const wanted = new Set(names.map((n) => `/${n}`));
    await Promise.all(containers.filter((c) => c.Names.some((n) => wanted.has(n))).map((c) => this.#remove(c.Id)));
  }

  async listGroups(app: string): Promise<Group[]> {
    const containers = await this.#containers(app);
    const instances = await Promise.all(containers.map((c) => this.#instance(c)));
    const groups = new Map<string, Group>();
    for (const instance of instances) {
      if (instance === undefined) continue;
      const key = groupName(instance);
      const group = groups.get(key) ?? { app, release: instance.release, type: instance.type, replicas: 0, instances: [] };
      group.instances.push(instance);
      group.replicas = group.instances.length;
      groups.set(key, group);
    }
    for (const group of groups.values()) group.instances.sort((a, b) => a.index - b.index);
    return [...groups.values()].sort((a, b) => a.release - b.release || a.type.localeCompare(b.type));
  }

  async memory(app: string): Promise<Map<string, MemoryUse>> {
    const running = (await this.#containers(app)).filter((c) => c.State === "running");
    const measured = await Promise.all(
      running.map(async (c) => {
        const container = this.#docker.getContainer(c.Id);
        // Gone or stopped meanwhile: simply not counted.
        const [stats, inspect] = await Promise.all([container.stats({ stream: false, "one-shot": true }), container.inspect()]).catch(
          () => [undefined, undefined] as const,
        );
        const used = stats === undefined ? null : usedBytes(stats);
        if (used === null || inspect === undefined) return undefined;
        const limit = inspect.HostConfig.Memory ?? 0;
        return { type: c.Labels[LABEL.type] ?? "", used, limit: limit > 0 ? limit : null };
      }),
    );
    const out = new Map<string, MemoryUse>();
    for (const m of measured) if (m !== undefined) addMemory(out, m.type, m.used, m.limit);
    return out;
  }

  async deleteGroup(group: GroupRef): Promise<void> {
    const containers = await this.#containers(group.app, group);
    await Promise.all(containers.map((c) => this.#remove(c.Id)));
  }

  async logs(app: string, options: LogOptions = {}): Promise<LogLine[]> {
    const containers = await this.#containers(app);
    const chosen = containers.filter((c) => options.instances === undefined || options.instances.includes(c.Names[0]?.slice(1) ?? ""));
    const perInstance = await Promise.all(
      chosen.map(async (c) => {
        const name = c.Names[0]?.slice(1) ?? c.Id;
        const tag = `${c.Labels[LABEL.type]}.${c.Labels[LABEL.index]}`;
        try {
          const raw = await this.#docker.getContainer(c.Id).logs({
            stdout: true,
            stderr: true,
            timestamps: true,
            follow: false,
            tail: options.tail ?? 100,
            ...(options.since === undefined ? {} : { since: Math.floor(Date.parse(options.since) / 1000) }),
          });
          return demuxLogs(raw).map((l) => ({ instance: name, tag, ...l }));
        } catch (cause) {
          if (statusOf(cause) === 404) return [];
          throw engineError(`read the logs of ${name}`, cause);
        }
      }),
    );
    return perInstance.flat().sort((a, b) => a.time.localeCompare(b.time));
  }

  /**
   * Follows the app's containers' logs (the engine's follow mode): the running ones from their last
   * `tail` lines, and every container that starts later (seen in the engine's events) from its start.
   */
  followLogs(app: string, onLine: (line: LogLine) => void, signal: AbortSignal, options: LogOptions = {}): Promise<void> {
    return followContainerLogs(this.#docker, app, onLine, signal, { tail: options.tail ?? 10, instances: options.instances });
  }

  /** The engine's `die` and `start` events of every Berth container (label `berth.app`), named by app. */
  watchInstances(onChange: (app: string | undefined) => void, signal: AbortSignal): void {
    void watchContainerEvents(
      this.#docker,
      { event: ["die", "start"], label: [LABEL.app] },
      (event) => onChange(event.attributes[LABEL.app]),
      signal,
      () => onChange(undefined),
    );
  }

  /** Removes the app's containers, then the images its builds made (`<app>:git-<sha>`); pulled images stay. */
  async destroyApp(app: string): Promise<void> {
    const containers = await this.#containers(app);
    await Promise.all(containers.map((c) => this.#remove(c.Id, 0)));
    let images: { RepoTags?: string[] | undefined }[];
    try {
      images = await this.#docker.listImages({ filters: JSON.stringify({ reference: [`${app}:git-*`] }) });
    } catch (cause) {
      throw engineError(`list the images of ${app}`, cause);
    }
    const tags = images.flatMap((i) => i.RepoTags ?? []).filter((tag) => tag.startsWith(`${app}:git-`));
    for (const tag of tags) {
      try {
        await this.#docker.getImage(tag).remove({ force: true });
      } catch (cause) {
        if (statusOf(cause) !== 404) throw engineError(`remove image ${tag}`, cause);
      }
    }
  }

  async #containers(app: string, group?: GroupRef): Promise<ContainerInfo[]> {
    try {
      const filters = labelFilter(app, group);
      return await this.#docker.listContainers({ all: true, filters: JSON.stringify(filters) });
    } catch (cause) {
      throw engineError(`list the containers of ${app}`, cause);
    }
  }

  /** Stops (SIGTERM, then SIGKILL after the grace period) and removes a container; gone already is fine. */
  async #remove(id: string, stopTimeout = this.#settings.stopTimeout): Promise<void> {
    const container = this.#docker.getContainer(id);
    try {
      await container.stop({ t: stopTimeout });
    } catch (cause) {
      const status = statusOf(cause);
      if (status === 404) return;
      if (status !== 304) throw engineError(`stop container ${id.slice(0, 12)}`, cause);
    }
    try {
      await container.remove({ force: true, v: true });
    } catch (cause) {
      if (statusOf(cause) !== 404 && statusOf(cause) !== 409) throw engineError(`remove container ${id.slice(0, 12)}`, cause);
    }
  }

  async #instance(container: ContainerInfo): Promise<Instance | undefined> {
    let info: ContainerInspectInfo;
    try {
      info = await this.#docker.getContainer(container.Id).inspect();
    } catch (cause) {
      if (statusOf(cause) === 404) return undefined;
      throw engineError(`inspect container ${container.Id.slice(0, 12)}`, cause);
    }
    const labels = info.Config.Labels ?? {};
    const state = stateOf(info);
    const started = info.State.StartedAt.startsWith("0001-") ? null : info.State.StartedAt;
    const address = this.#address(info);
    const readiness = readinessFromLabel(labels[LABEL.readiness]);
    let ready = false;
    if (state === "running" && started !== null && address !== null) {
      const since = (Date.now() - Date.parse(started)) / 1000;
      ready = since >= (readiness.initialDelay ?? 0) && (await probe(address.host, address.port, readiness));
    }
    const restarts = info.RestartCount;
    return {
      app: labels[LABEL.app] ?? "",
      release: Number(labels[LABEL.release]),
      type: labels[LABEL.type] ?? "",
      index: Number(labels[LABEL.index]),
      name: info.Name.replace(/^\//, ""),
      state,
      ready,
      started,
      restarts,
      // The engine resets the exit code when it starts the container again: a running one has none to tell.
      exitCode: state === "exited" || state === "restarting" ? info.State.ExitCode : null,
      address: address === null ? null : `${address.host}:${address.port}`,
    };
  }

  /**
   * Where the app itself listens: the host's loopback under host networking, else the container's
   * address on its network (none while it is not running).
   */
  #address(info: ContainerInspectInfo): { host: string; port: number } | null {
    const labels = info.Config.Labels ?? {};
    // Containers made before the port label was set in bridge mode name it only as exposed.
    const exposed = Object.keys(info.Config.ExposedPorts ?? {})[0]?.split("/")[0];
    const port = Number(labels[LABEL.port] ?? exposed);
    if (!Number.isInteger(port) || port <= 0) return null;
    const mode = info.HostConfig.NetworkMode ?? "";
    if (mode === "host") return { host: "127.0.0.1", port };
    const networks = info.NetworkSettings.Networks ?? {};
    const ip = networks[mode]?.IPAddress || Object.values(networks).find((n) => n.IPAddress)?.IPAddress;
    return ip ? { host: ip, port } : null;
  }
}
