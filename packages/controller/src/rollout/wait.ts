import { setTimeout as sleep } from "node:timers/promises";
import { groupName, sameGroup } from "../scheduler/names.ts";
import type { GroupSpec, Instance, Scheduler } from "../scheduler/types.ts";

/** Why a rollout stopped: shown as the failed release's reason. */
export class RolloutFailure extends Error {
  override readonly name = "RolloutFailure";
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs: number;
  signal: AbortSignal;
  /** Instances that existed before (a restart's old ones): neither counted nor checked for crashes. */
  known?: ReadonlySet<string>;
}

function tag(instance: Instance): string {
  return `${instance.type}.${instance.index} (${instance.name})`;
}

function crashed(instance: Instance): string | undefined {
  if (instance.failure !== undefined) return `${tag(instance)} cannot run: ${instance.failure}`;
  if (instance.state === "exited" || instance.state === "restarting" || instance.restarts > 0) {
    const code = instance.exitCode === null ? "" : ` with code ${instance.exitCode}`;
    return `${tag(instance)} exited${code}`;
  }
  return undefined;
}

/** How often starting instances are looked at, at most. */
const STARTING_POLL_MS = 200;

/**
 * Waits until the group has `want` ready instances. Throws {@link RolloutFailure} when a new instance
 * exits or the engine says it cannot run (`failure`), when one that was ready fails its check
 * `failureThreshold` polls in a row, or on timeout.
 */
export async function waitReady(scheduler: Scheduler, spec: GroupSpec, want: number, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs + spec.readiness.initialDelay * 1000;
  const watching = new AbortController();
  const wake = new Wake();
  scheduler.watchChanges?.(spec.app, () => wake.poke(), AbortSignal.any([watching.signal, options.signal]));
  try {
    await look(scheduler, spec, want, options, deadline, wake, scheduler.watchChanges !== undefined);
  } finally {
    watching.abort();
  }
}

/** Resolves on the next `poke` (or one that came since the last wait), after `ms`, or on abort. */
class Wake {
  #waiters: (() => void)[] = [];
  #pending = false;
  poke(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    this.#pending = waiters.length === 0;
    for (const wake of waiters) wake();
  }
  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    const poked = new Promise<void>((resolve) => this.#waiters.push(resolve));
    await Promise.race([poked, sleep(ms, undefined, { signal }).catch(() => undefined)]);
  }
}

/**
 * Judges a group's instances look by look: a new instance that exits or cannot run fails at once,
 * one that was ready and misses its check `failureThreshold` looks in a row fails too.
 */
class Health {
  readonly #spec: GroupSpec;
  readonly #known: ReadonlySet<string> | undefined;
  readonly #misses = new Map<string, number>();
  readonly #wasReady = new Set<string>();
  /** How each failure is told (a rollout's, or a post-deploy watch's). */
  readonly #when: string;

  constructor(spec: GroupSpec, known: ReadonlySet<string> | undefined, when = "") {
    this.#spec = spec;
    this.#known = known;
    this.#when = when;
  }

  get missing(): boolean {
    return this.#misses.size > 0;
  }

  /** The instances that count, after checking them; throws {@link RolloutFailure}. */
  async look(scheduler: Scheduler): Promise<Instance[]> {
    const group = (await scheduler.listGroups(this.#spec.app)).find((g) => sameGroup(g, this.#spec));
    const instances = (group?.instances ?? []).filter((i) => !this.#known?.has(i.name));
    for (const instance of instances) {
      const crash = crashed(instance);
      if (crash !== undefined) throw new RolloutFailure(`${crash}${this.#when}`);
      if (instance.ready) {
        this.#wasReady.add(instance.name);
        this.#misses.delete(instance.name);
      } else if (this.#wasReady.has(instance.name)) {
        const n = (this.#misses.get(instance.name) ?? 0) + 1;
        this.#misses.set(instance.name, n);
        if (n >= this.#spec.readiness.failureThreshold) {
          throw new RolloutFailure(`${tag(instance)} became unhealthy after it was ready${this.#when}`);
        }
      }
    }
    return instances;
  }
}

async function look(
  scheduler: Scheduler,
  spec: GroupSpec,
  want: number,
  options: WaitOptions,
  deadline: number,
  wake: Wake,
  watched: boolean,
): Promise<void> {
  const health = new Health(spec, options.known);
  for (;;) {
    options.signal.throwIfAborted();
    const instances = await health.look(scheduler);
    const ready = instances.filter((i) => i.ready).length;
    if (ready >= want) return;
    if (Date.now() >= deadline) {
      const seconds = Math.round((options.timeoutMs / 1000) * 10) / 10;
      throw new RolloutFailure(`${groupName(spec)}: ${ready} of ${want} instances ready after ${seconds}s (${describe(spec)})`);
    }
    // With a watch, look again on each change (the period is only a fallback). Without one, quick
    // looks while instances start, so a release is live soon after it can be; once a ready instance
    // misses a check, the healthcheck's own period paces the rest of its threshold.
    if (watched && !health.missing) await wake.wait(options.pollMs, options.signal);
    else await sleep(health.missing ? options.pollMs : Math.min(options.pollMs, STARTING_POLL_MS), undefined, { signal: options.signal });
  }
}

export interface WatchOptions {
  durationMs: number;
  pollMs: number;
  signal: AbortSignal;
}

/**
 * The post-deploy watch: for `durationMs` after a release became ready, its groups' instances must
 * keep running and passing their checks. Throws {@link RolloutFailure} on the first crash (the
 * engine restarting an instance counts) or an instance unhealthy for `failureThreshold` looks.
 */
export async function watchHealthy(scheduler: Scheduler, specs: readonly GroupSpec[], options: WatchOptions): Promise<void> {
  const seconds = Math.round(options.durationMs / 100) / 10;
  const health = specs.map((spec) => new Health(spec, undefined, ` within ${seconds}s of v${spec.release} becoming ready`));
  const until = Date.now() + options.durationMs;
  const wake = new Wake();
  const watching = new AbortController();
  for (const spec of specs) scheduler.watchChanges?.(spec.app, () => wake.poke(), AbortSignal.any([watching.signal, options.signal]));
  try {
    for (;;) {
      options.signal.throwIfAborted();
      for (const h of health) await h.look(scheduler);
      const left = until - Date.now();
      if (left <= 0) return;
      await wake.wait(Math.min(left, options.pollMs), options.signal);
    }
  } finally {
    watching.abort();
  }
}

function describe(spec: GroupSpec): string {
  const check = spec.readiness;
  if (check.mode === "http") return `healthcheck GET ${check.path} on $PORT`;
  if (check.mode === "tcp") return "healthcheck: TCP connect to $PORT";
  return "waiting for the process to run";
}
