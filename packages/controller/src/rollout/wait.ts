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

/**
 * Waits until the group has `want` ready instances. Throws {@link RolloutFailure} when a new instance
 * exits or the engine says it cannot run (`failure`), when one that was ready fails its check
 * `failureThreshold` polls in a row, or on timeout.
 */
/** How often starting instances are looked at, at most. */
const STARTING_POLL_MS = 200;

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

async function look(
  scheduler: Scheduler,
  spec: GroupSpec,
  want: number,
  options: WaitOptions,
  deadline: number,
  wake: Wake,
  watched: boolean,
): Promise<void> {
  const misses = new Map<string, number>();
  const wasReady = new Set<string>();
  for (;;) {
    options.signal.throwIfAborted();
    const group = (await scheduler.listGroups(spec.app)).find((g) => sameGroup(g, spec));
    const instances = (group?.instances ?? []).filter((i) => !options.known?.has(i.name));
    for (const instance of instances) {
      const crash = crashed(instance);
      if (crash !== undefined) throw new RolloutFailure(crash);
      if (instance.ready) {
        wasReady.add(instance.name);
        misses.delete(instance.name);
      } else if (wasReady.has(instance.name)) {
        const n = (misses.get(instance.name) ?? 0) + 1;
        misses.set(instance.name, n);
        if (n >= spec.readiness.failureThreshold) throw new RolloutFailure(`${tag(instance)} became unhealthy after it was ready`);
      }
    }
    const ready = instances.filter((i) => i.ready).length;
    if (ready >= want) return;
    if (Date.now() >= deadline) {
      const seconds = Math.round((options.timeoutMs / 1000) * 10) / 10;
      throw new RolloutFailure(`${groupName(spec)}: ${ready} of ${want} instances ready after ${seconds}s (${describe(spec)})`);
    }
    // With a watch, look again on each change (the period is only a fallback). Without one, quick
    // looks while instances start, so a release is live soon after it can be; once a ready instance
    // misses a check, the healthcheck's own period paces the rest of its threshold.
    if (watched && misses.size === 0) await wake.wait(options.pollMs, options.signal);
    else await sleep(misses.size > 0 ? options.pollMs : Math.min(options.pollMs, STARTING_POLL_MS), undefined, { signal: options.signal });
  }
}

function describe(spec: GroupSpec): string {
  const check = spec.readiness;
  if (check.mode === "http") return `healthcheck GET ${check.path} on $PORT`;
  if (check.mode === "tcp") return "healthcheck: TCP connect to $PORT";
  return "waiting for the process to run";
}
