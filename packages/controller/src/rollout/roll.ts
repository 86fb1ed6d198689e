import type { Logger } from "../logger.ts";
import { sameGroup } from "../scheduler/names.ts";
import type { Group, GroupRef, GroupSpec, Scheduler } from "../scheduler/types.ts";
import type { Store } from "../store/open.ts";
import { type AppEvent, appEvent } from "./events.ts";
import { setReleaseState, supersedeOlder } from "../store/releases.ts";
import { deleteRollout, type Rollout, type RolloutPlan, updateRollout } from "../store/rollouts.ts";
import type { Drainer } from "./drain.ts";
import { type DeploySettings, deploySettings, groupSpec, isRoutable, loadReleaseSpec, releaseTypes } from "./spec.ts";
import { waitReady } from "./wait.ts";

export interface RollDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
  defaults: DeploySettings;
  /** How often readiness is polled, in ms; the healthcheck's period when absent. */
  pollMs: number | undefined;
  /** Reports what happened to an app (deploys, failures, restarts, crashes). */
  emit: (event: AppEvent) => void;
  drainer: Drainer;
}

/** Drains a group's instances (routable ones) and removes them. */
export function retire(deps: RollDeps, group: GroupRef, names: string[]): Promise<void> {
  return deps.drainer.retire(group.app, names, isRoutable(group.type), () => deps.scheduler.removeInstances(group, names));
}

function pollMs(deps: RollDeps, spec: GroupSpec): number {
  return deps.pollMs ?? spec.readiness.period * 1000;
}

/** Lowers the old groups of a type to `total` instances, taking from the oldest releases first. */
async function shrinkOld(deps: RollDeps, old: Group[], total: number): Promise<void> {
  let excess = old.reduce((n, g) => n + g.instances.length, 0) - total;
  for (const group of [...old].sort((a, b) => a.release - b.release)) {
    if (excess <= 0) return;
    const remove = [...group.instances]
      .sort((a, b) => b.index - a.index)
      .slice(0, excess)
      .map((i) => i.name);
    if (remove.length === 0) continue;
    await retire(deps, group, remove);
    excess -= remove.length;
  }
}

/** Observes what runs before anything changes, so an abort can put it back (once per rollout). */
async function observe(deps: RollDeps, rollout: Rollout): Promise<RolloutPlan> {
  if (rollout.plan.previous !== null) return rollout.plan;
  const groups = await deps.scheduler.listGroups(rollout.app);
  const previous = groups
    .filter((g) => g.release !== rollout.version && g.instances.length > 0)
    .map((g) => ({ release: g.release, type: g.type, replicas: g.instances.length }));
  const plan = { ...rollout.plan, previous };
  await updateRollout(deps.store.db, rollout.app, { plan });
  return plan;
}

/**
 * Rolls a release out over its process types (routable first): per batch, the new group grows and
 * becomes ready, then the old groups shrink by as much. Resumable: counts are read from the scheduler,
 * so a rollout that was interrupted continues where the engine stands. Old groups go at the end.
 */
export async function rollOut(deps: RollDeps, rollout: Rollout, signal: AbortSignal): Promise<void> {
  const release = await loadReleaseSpec(deps.store.db, rollout.app, rollout.version);
  if (release !== undefined) {
    const plan = await observe(deps, rollout);
    const settings = deploySettings(release.values, deps.defaults);
    const specs = releaseTypes(release).map((type) => groupSpec(release, type));
    for (const spec of specs) await deps.scheduler.createGroup(spec);
    for (const spec of specs) {
      signal.throwIfAborted();
      const want = plan.formation[spec.type] ?? 0;
      const before = plan.previous?.filter((p) => p.type === spec.type).reduce((n, p) => n + p.replicas, 0) ?? 0;
      await rollType(deps, spec, want, before, settings, signal);
    }
    for (const group of await deps.scheduler.listGroups(rollout.app)) {
      if (group.release === rollout.version) continue;
      await retire(
        deps,
        group,
        group.instances.map((i) => i.name),
      );
      await deps.scheduler.deleteGroup(group);
    }
  }
  await deps.store.db.transaction().execute(async (tx) => {
    await setReleaseState(tx, rollout.app, rollout.version, "deployed");
    await supersedeOlder(tx, rollout.app, rollout.version);
    await deleteRollout(tx, rollout.app);
  });
  deps.emit(appEvent(rollout.app, "deploy", `v${rollout.version} deployed`, rollout.version));
}

async function rollType(deps: RollDeps, spec: GroupSpec, want: number, before: number, settings: DeploySettings, signal: AbortSignal) {
  const groupsOf = async () => (await deps.scheduler.listGroups(spec.app)).filter((g) => g.type === spec.type);
  const current = (await groupsOf()).find((g) => sameGroup(g, spec));
  let count = current?.instances.length ?? 0;
  if (count > want) {
    await deps.scheduler.scaleGroup(spec, want);
    count = want;
  }
  for (;;) {
    if (count > 0) {
      await waitReady(deps.scheduler, spec, count, { timeoutMs: settings.timeoutMs, pollMs: pollMs(deps, spec), signal });
      deps.drainer.changed(spec.app);
    }
    const old = (await groupsOf()).filter((g) => g.release !== spec.release);
    await shrinkOld(deps, old, Math.max(0, before - count));
    if (count >= want) return;
    count = Math.min(want, count + settings.batchSize);
    signal.throwIfAborted();
    await deps.scheduler.scaleGroup(spec, count);
    deps.logger.info("deploy batch", { app: spec.app, release: `v${spec.release}`, type: spec.type, replicas: count });
  }
}

/** Lines of a failed release's output kept in the app's log: why it failed, after its instances are gone. */
const LAST_WORDS = 20;

/**
 * Keeps the last lines the failed release's instances printed as app events, since the instances
 * (and with them the engine's logs) are about to be removed.
 */
async function keepLastWords(deps: RollDeps, rollout: Rollout, instances: string[]): Promise<void> {
  if (instances.length === 0) return;
  const lines = await deps.scheduler.logs(rollout.app, { instances, tail: LAST_WORDS }).catch((err: unknown) => {
    deps.logger.warn("the failed release's output could not be read", { app: rollout.app, err });
    return [];
  });
  for (const line of lines.slice(-LAST_WORDS)) {
    deps.emit({ app: rollout.app, kind: "crash", message: `${line.tag}: ${line.line}`, release: `v${rollout.version}`, time: line.time });
  }
}

/**
 * Puts the app back as it was before the rollout: the new release's groups go, the previous groups
 * get their instance counts back, and the release is marked failed with the reason.
 */
export async function revert(deps: RollDeps, rollout: Rollout, reason: string): Promise<void> {
  await updateRollout(deps.store.db, rollout.app, { phase: "reverting", reason });
  // The old instances first, so that the app never has fewer ready instances than before.
  for (const previous of rollout.plan.previous ?? []) {
    const release = await loadReleaseSpec(deps.store.db, rollout.app, previous.release);
    if (release === undefined) continue;
    const spec = groupSpec(release, previous.type);
    await deps.scheduler.scaleGroup(spec, previous.replicas);
    const { timeoutMs } = deploySettings(release.values, deps.defaults);
    await waitReady(deps.scheduler, spec, previous.replicas, {
      timeoutMs,
      pollMs: pollMs(deps, spec),
      signal: new AbortController().signal,
    }).catch((error: unknown) =>
      deps.logger.warn("a restored group is not ready yet", { app: rollout.app, type: previous.type, err: error }),
    );
  }
  const failedGroups = (await deps.scheduler.listGroups(rollout.app)).filter((g) => g.release === rollout.version);
  await keepLastWords(deps, rollout, failedGroups.flatMap((g) => g.instances.map((i) => i.name)));
  for (const group of failedGroups) {
    await retire(
      deps,
      group,
      group.instances.map((i) => i.name),
    );
    await deps.scheduler.deleteGroup(group);
  }
  await deps.store.db.transaction().execute(async (tx) => {
    await setReleaseState(tx, rollout.app, rollout.version, "failed", reason);
    await deleteRollout(tx, rollout.app);
  });
  deps.emit(appEvent(rollout.app, "deploy", `v${rollout.version} failed: ${reason}; the previous release keeps running`, rollout.version));
}
