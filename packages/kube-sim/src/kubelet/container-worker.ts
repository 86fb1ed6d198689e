import { PassThrough } from "node:stream";
import type Docker from "dockerode";
import type { Container } from "../kinds/shapes.ts";
import { timestamp } from "../meta.ts";
import { Backoff, sleep } from "./backoff.ts";
import { ConfigError, containerEnv } from "./env.ts";
import { ensureImage } from "./image.ts";
import { Prober } from "./prober.ts";
import type { ProbeResult } from "./probe.ts";
import { parseQuantity } from "./quantity.ts";
import type { ContainerRecord, PodHost } from "./runtime.ts";

export interface ContainerWorkerOptions {
  docker: Docker;
  host: PodHost;
  container: Container;
  port: number;
  labels: Record<string, string>;
}

const iso = (docker: string): string => timestamp(new Date(docker));

/**
 * One container of a pod, run the way the kubelet's sync loop does: image, config, create, start,
 * probes, and on exit a restart under the pod's restartPolicy with back-off (CrashLoopBackOff,
 * ImagePullBackOff), each step reported in the container status and as events.
 */
export class ContainerWorker {
  readonly #o: ContainerWorkerOptions;
  readonly #stop = new AbortController();
  readonly #record: ContainerRecord;
  // Separate back-offs, as the kubelet keys them: image pulls, config errors and crashes.
  readonly #pullBackoff = new Backoff();
  readonly #configBackoff = new Backoff();
  readonly #crashBackoff = new Backoff();
  readonly #probers: Prober[] = [];
  #current: Docker.Container | undefined;
  #previousId: string | undefined;
  #attempt = 0;
  #done: Promise<void> = Promise.resolve();

  constructor(options: ContainerWorkerOptions) {
    this.#o = options;
    const c = options.container;
    this.#record = {
      name: c.name,
      image: c.image,
      imageID: "",
      state: { waiting: { reason: "ContainerCreating" } },
      lastState: {},
      ready: false,
      started: false,
      restartCount: 0,
      finished: false,
    };
  }

  get currentId(): string | undefined {
    return this.#current?.id;
  }

  get previousId(): string | undefined {
    return this.#previousId;
  }

  start(): void {
    this.#done = this.#loop();
  }

  async stop(graceSeconds: number): Promise<void> {
    this.#stop.abort();
    for (const p of this.#probers) p.stop();
    if (this.#current) {
      this.#event("Normal", "Killing", `Stopping container ${this.#o.container.name}`);
      await this.#current.stop({ t: graceSeconds }).catch(() => {});
    }
    await this.#done;
    for (const id of [this.#current?.id, this.#previousId]) {
      if (id)
        await this.#o.docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => {});
    }
  }

  #event(type: "Normal" | "Warning", reason: string, message: string): void {
    this.#o.host.event({ type, reason, message, fieldPath: `spec.containers{${this.#o.container.name}}` });
  }

  #update(change: Partial<ContainerRecord>): void {
    Object.assign(this.#record, change);
    this.#o.host.update({ ...this.#record });
  }

  #waiting(reason: string, message?: string): void {
    this.#update({ state: { waiting: message ? { reason, message } : { reason } }, ready: false, started: false });
  }

  async #loop(): Promise<void> {
    const signal = this.#stop.signal;
    const { host, container } = this.#o;
    const pod = host.pod;
    const who = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
    while (!signal.aborted) {
      const imageId = await this.#pullImage();
      if (signal.aborted) break;
      if (imageId === undefined) continue;
      let env: string[];
      try {
        env = containerEnv(container, pod.metadata.namespace!, host.secret, this.#o.port);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#waiting("CreateContainerConfigError", error.message);
        this.#event("Warning", "Failed", `Error: ${error.message}`);
        await sleep(host.scaled(this.#configBackoff.next("pull")), signal);
        continue;
      }
      const exit = await this.#runOnce(imageId, env);
      if (signal.aborted || exit === undefined) break;
      const policy = pod.spec.restartPolicy ?? "Always";
      if (policy === "Never" || (policy === "OnFailure" && exit === 0)) {
        this.#update({ finished: true });
        break;
      }
      const delay = this.#crashBackoff.next("crash", Date.now(), host.scaled(600));
      if (delay > 0) {
        this.#waiting("CrashLoopBackOff", `back-off ${delay}s restarting failed container=${container.name} pod=${who}`);
        this.#event("Warning", "BackOff", `Back-off restarting failed container ${container.name} in pod ${who}`);
        if (!(await sleep(host.scaled(delay), signal))) break;
      }
      this.#update({ restartCount: this.#record.restartCount + 1 });
    }
  }

  /** The image's ID, or undefined after a failed pull (ErrImagePull, then ImagePullBackOff until the next try). */
  async #pullImage(): Promise<string | undefined> {
    const { docker, host, container } = this.#o;
    const image = container.image;
    try {
      const pulling = () => this.#event("Normal", "Pulling", `Pulling image "${image}"`);
      const { id, pulled } = await ensureImage(docker, image, container.imagePullPolicy ?? "IfNotPresent", pulling);
      this.#event(
        "Normal",
        "Pulled",
        pulled ? `Successfully pulled image "${image}"` : `Container image "${image}" already present on machine`,
      );
      this.#pullBackoff.reset();
      return id;
    } catch (error) {
      const why = (error as Error).message;
      this.#waiting("ErrImagePull", why);
      this.#event("Warning", "Failed", `Failed to pull image "${image}": ${why}`);
      this.#event("Warning", "Failed", "Error: ErrImagePull");
      const delay = this.#pullBackoff.next("pull");
      this.#waiting("ImagePullBackOff", `Back-off pulling image "${image}": ErrImagePull: ${why}`);
      this.#event("Normal", "BackOff", `Back-off pulling image "${image}"`);
      await sleep(host.scaled(delay), this.#stop.signal);
      return undefined;
    }
  }

  /** Creates, starts and waits for one instance; its exit code, or undefined if it never ran. */
  async #runOnce(imageId: string, env: string[]): Promise<number | undefined> {
    const { docker, host, container, labels } = this.#o;
    const pod = host.pod;
    const limits = container.resources?.limits ?? {};
    const hostConfig: Docker.HostConfig = { NetworkMode: "host", Init: true };
    if (limits.memory) hostConfig.Memory = Math.round(parseQuantity(limits.memory));
    if (limits.cpu) hostConfig.NanoCpus = Math.round(parseQuantity(limits.cpu) * 1e9);
    const name = `k8s_${container.name}_${pod.metadata.name}_${pod.metadata.namespace}_${pod.metadata.uid!.slice(0, 8)}_${this.#attempt++}`;
    const config: Docker.ContainerCreateOptions = { name, Image: imageId, Env: env, Labels: labels, HostConfig: hostConfig };
    if (container.command) config.Entrypoint = container.command;
    if (container.args) config.Cmd = container.args;
    let created: Docker.Container;
    try {
      created = await docker.createContainer(config);
      this.#event("Normal", "Created", `Created container ${container.name}`);
      await created.start();
    } catch (error) {
      this.#waiting("RunContainerError", (error as Error).message);
      this.#event("Warning", "Failed", `Error: ${(error as Error).message}`);
      return 1;
    }
    if (this.#previousId)
      await docker
        .getContainer(this.#previousId)
        .remove({ force: true })
        .catch(() => {});
    this.#previousId = this.#current?.id;
    this.#current = created;
    // stop() may have come while this instance was being created: it has not seen it, so stop it here.
    if (this.#stop.signal.aborted) await created.stop({ t: 0 }).catch(() => {});
    const info = await created.inspect();
    this.#event("Normal", "Started", `Started container ${container.name}`);
    const containerID = `docker://${created.id}`;
    this.#update({
      containerID,
      imageID: `docker-pullable://${imageId}`,
      state: { running: { startedAt: iso(info.State.StartedAt) } },
      started: true,
      ready: !container.readinessProbe,
    });
    this.#startProbes(created);
    const result = (await created.wait()) as { StatusCode: number };
    for (const p of this.#probers.splice(0)) p.stop();
    const after = await created.inspect().catch(() => info);
    const exitCode = after.State.OOMKilled ? 137 : result.StatusCode;
    const terminated = {
      exitCode,
      reason: after.State.OOMKilled ? "OOMKilled" : exitCode === 0 ? "Completed" : "Error",
      startedAt: iso(after.State.StartedAt),
      finishedAt: iso(after.State.FinishedAt),
      containerID,
    };
    this.#update({ state: { terminated }, lastState: { terminated }, ready: false, started: false });
    return exitCode;
  }

  #startProbes(instance: Docker.Container): void {
    const { host, container, port } = this.#o;
    const exec = async (command: string[], timeoutMs: number): Promise<ProbeResult> => {
      const run = await instance.exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
      const stream = await run.start({});
      const output = new PassThrough();
      const chunks: Buffer[] = [];
      output.on("data", (chunk: Buffer) => chunks.push(chunk));
      this.#o.docker.modem.demuxStream(stream, output, output);
      const ended = new Promise<boolean>((resolve) => stream.on("end", () => resolve(true)));
      const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
      if (!(await Promise.race([ended, timedOut]))) return { ok: false, message: `command timed out after ${timeoutMs / 1000}s` };
      const code = (await run.inspect()).ExitCode ?? 1;
      return code === 0 ? { ok: true, message: "" } : { ok: false, message: Buffer.concat(chunks).toString("utf8").trim() };
    };
    const common = { port, exec, scaled: host.scaled, onFailure: (m: string) => this.#event("Warning", "Unhealthy", m) };
    if (container.readinessProbe) {
      this.#probers.push(
        new Prober({ ...common, kind: "Readiness", probe: container.readinessProbe, onChange: (ready) => this.#update({ ready }) }),
      );
    }
    if (container.livenessProbe) {
      const onChange = (alive: boolean) => {
        if (alive) return;
        this.#event("Normal", "Killing", `Container ${container.name} failed liveness probe, will be restarted`);
        instance.stop({ t: host.pod.spec.terminationGracePeriodSeconds ?? 30 }).catch(() => {});
      };
      this.#probers.push(new Prober({ ...common, kind: "Liveness", probe: container.livenessProbe, onChange }));
    }
    for (const p of this.#probers) p.start();
  }
}
