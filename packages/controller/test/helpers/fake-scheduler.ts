import { groupName, instanceName, sameGroup } from "../../src/scheduler/names.ts";
import type { Group, GroupRef, GroupSpec, Instance, LogLine, Scheduler } from "../../src/scheduler/types.ts";

/**
 * How instances of an image behave, chosen by the image name: `…:crash` exits at once, `…:never`
 * runs but never passes its check, `…:flaky` has instance 1 pass once and then fail while the others
 * never pass, `…:missing` cannot be created, `…:unpullable` stays starting with an engine failure
 * (`ImagePullBackOff`); anything else is ready on the second look (as a real
 * engine is: first starting, then running and ready).
 */
type Behaviour = "ready" | "crash" | "never" | "flaky" | "unpullable";

function behaviourOf(image: string): Behaviour {
  if (image.endsWith(":crash")) return "crash";
  if (image.endsWith(":never")) return "never";
  if (image.endsWith(":flaky")) return "flaky";
  if (image.endsWith(":unpullable")) return "unpullable";
  return "ready";
}

interface FakeInstance {
  /** Unique across the fake's life: tells a replaced instance from its predecessor of the same name. */
  serial: number;
  index: number;
  looks: number;
  restarts: number;
  exitCode: number | null;
  /** Runs on but fails its healthcheck from now on. */
  unhealthy?: boolean;
}

interface FakeGroup {
  spec: GroupSpec;
  instances: FakeInstance[];
}

/** A typed in-memory {@link Scheduler} that records what it was asked to do. */
export class FakeScheduler implements Scheduler {
  readonly groups = new Map<string, FakeGroup>();
  /** `create app-v2-web`, `scale app-v2-web 2`, `remove app-v1-web-2`, `delete app-v1-web`. */
  readonly events: string[] = [];
  /** The fewest ready instances per type seen after any instance was removed (zero-downtime check). */
  readonly minReadyAfterRemoval = new Map<string, number>();
  /** Called after every scale, e.g. to stop a deployer mid-rollout. */
  onScale: ((spec: GroupSpec, replicas: number) => void) | undefined;
  /** Who watches instances now (`watchInstances` until its signal aborts). */
  readonly watchers = new Set<(app: string | undefined) => void>();
  #serial = 0;

  watchInstances(onChange: (app: string | undefined) => void, signal: AbortSignal): void {
    this.watchers.add(onChange);
    signal.addEventListener("abort", () => this.watchers.delete(onChange), { once: true });
  }

  async createGroup(spec: GroupSpec): Promise<void> {
    if (spec.image.endsWith(":missing")) throw new Error(`image ${spec.image} not found`);
    const name = groupName(spec);
    if (!this.groups.has(name)) this.groups.set(name, { spec, instances: [] });
    this.events.push(`create ${name}`);
  }

  async scaleGroup(spec: GroupSpec, replicas: number): Promise<void> {
    const name = groupName(spec);
    const group = this.groups.get(name) ?? { spec, instances: [] };
    group.spec = spec;
    this.groups.set(name, group);
    group.instances.sort((a, b) => a.index - b.index);
    while (group.instances.length > replicas) group.instances.pop();
    while (group.instances.length < replicas) {
      let index = 1;
      while (group.instances.some((i) => i.index === index)) index++;
      group.instances.push({ serial: ++this.#serial, index, looks: 0, restarts: 0, exitCode: null });
      group.instances.sort((a, b) => a.index - b.index);
    }
    this.events.push(`scale ${name} ${replicas}`);
    this.onScale?.(spec, replicas);
  }

  async removeInstances(ref: GroupRef, names: string[]): Promise<void> {
    const group = this.groups.get(groupName(ref));
    if (group === undefined) return;
    group.instances = group.instances.filter((i) => !names.includes(instanceName(ref, i.index)));
    for (const name of names) this.events.push(`remove ${name}`);
    this.#noteReady(ref);
  }

  async listGroups(app: string): Promise<Group[]> {
    const out: Group[] = [];
    for (const { spec, instances } of this.groups.values()) {
      if (spec.app !== app) continue;
      out.push({
        app,
        release: spec.release,
        type: spec.type,
        replicas: instances.length,
        instances: instances.map((i) => this.#look(spec, i)),
      });
    }
    return out;
  }

  async deleteGroup(ref: GroupRef): Promise<void> {
    if (this.groups.delete(groupName(ref))) this.events.push(`delete ${groupName(ref)}`);
    this.#noteReady(ref);
  }

  async logs(): Promise<LogLine[]> {
    return [];
  }

  async destroyApp(app: string): Promise<void> {
    for (const [name, group] of this.groups) if (group.spec.app === app) this.groups.delete(name);
    this.events.push(`destroy ${app}`);
  }

  /** Instances of a group (serials), for assertions. */
  serials(ref: GroupRef): number[] {
    return this.groups.get(groupName(ref))?.instances.map((i) => i.serial) ?? [];
  }

  count(ref: GroupRef): number {
    return this.groups.get(groupName(ref))?.instances.length ?? 0;
  }

  spec(ref: GroupRef): GroupSpec | undefined {
    return this.groups.get(groupName(ref))?.spec;
  }

  /** Removes an instance behind the deployer's back, as `docker rm -f` would. */
  kill(ref: GroupRef, index: number): void {
    const group = this.groups.get(groupName(ref));
    if (group) group.instances = group.instances.filter((i) => i.index !== index);
  }

  /** An instance exits and the engine restarts it, as a restart policy does. */
  crash(ref: GroupRef, index: number, exitCode: number): void {
    const instance = this.groups.get(groupName(ref))?.instances.find((i) => i.index === index);
    if (instance === undefined) throw new Error(`no instance ${index} in ${groupName(ref)}`);
    instance.restarts++;
    instance.exitCode = exitCode;
    for (const watcher of this.watchers) watcher(ref.app);
  }

  /** An instance keeps running but stops passing its healthcheck (a hung app, a lost dependency). */
  unhealthy(ref: GroupRef, index: number): void {
    const instance = this.groups.get(groupName(ref))?.instances.find((i) => i.index === index);
    if (instance === undefined) throw new Error(`no instance ${index} in ${groupName(ref)}`);
    instance.unhealthy = true;
    for (const watcher of this.watchers) watcher(ref.app);
  }

  #look(spec: GroupSpec, instance: FakeInstance): Instance {
    instance.looks++;
    const behaviour = behaviourOf(spec.image);
    const base = { app: spec.app, release: spec.release, type: spec.type, name: instanceName(spec, instance.index), index: instance.index };
    const first = instance.looks === 1;
    if (behaviour === "unpullable") {
      const failure = `ImagePullBackOff: Back-off pulling image "${spec.image}"`;
      return { ...base, state: "starting", ready: false, started: null, restarts: 0, exitCode: null, address: null, failure };
    }
    if (behaviour === "crash" && !first) {
      return { ...base, state: "restarting", ready: false, started: null, restarts: 1, exitCode: 1, address: null };
    }
    return {
      ...base,
      state: first ? "starting" : "running",
      ready:
        instance.unhealthy !== true &&
        ((behaviour === "ready" && !first) || (behaviour === "flaky" && instance.index === 1 && instance.looks === 2)),
      started: first ? null : "2026-01-01T00:00:00.000Z",
      restarts: instance.restarts,
      exitCode: instance.exitCode,
      address: `127.0.0.1:${10000 + instance.serial}`,
    };
  }

  #noteReady(ref: GroupRef): void {
    let ready = 0;
    for (const group of this.groups.values()) {
      if (group.spec.app !== ref.app || group.spec.type !== ref.type) continue;
      if (behaviourOf(group.spec.image) !== "ready") continue;
      ready += group.instances.filter((i) => i.looks > 1).length;
    }
    const key = `${ref.app}/${ref.type}`;
    this.minReadyAfterRemoval.set(key, Math.min(ready, this.minReadyAfterRemoval.get(key) ?? Number.POSITIVE_INFINITY));
  }

  has(ref: GroupRef): boolean {
    for (const group of this.groups.values()) if (sameGroup(group.spec, ref)) return true;
    return false;
  }
}
