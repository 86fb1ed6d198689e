import type { Formation, RolloutProgress } from "@berth/api";
import type { Logger } from "../logger.ts";
import { sameGroup } from "../scheduler/names.ts";
import type { Group, GroupRef, GroupSpec, Instance, Scheduler } from "../scheduler/types.ts";
import { findApp } from "../store/apps.ts";
import type { Store } from "../store/open.ts";
import { lockApp, setReleaseState, supersedeOlder } from "../store/releases.ts";
import { deleteRollout, type Rollout, type RolloutPlan, updateRollout } from "../store/rollouts.ts";
import type { Drainer } from "./drain.ts";
import { type AppEvent, appEvent } from "./app-events.ts";
import { type DeploySettings, deploySettings } from "../domain/deploy-settings.ts";
import { isRoutable } from "../domain/procfile.ts";
import { groupSpec, loadReleaseSpec, releaseTypes } from "./spec.ts";
import { waitReady, watchHealthy } from "./wait.ts";
import { own } from "../domain/dict.ts";

export interface RollDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
  defaults: DeploySettings;
  /** How often readiness is polled, in ms; the healthcheck's period when absent. */
  pollMs: number | undefined;
  /** Reports what happened to an app (deploys, failures, restarts, crashes). */
  emit: (event: AppEvent) => void;
  /** Tells those waiting for the app's releases that a state or a progress in the store changed. */
  releaseChanged: (app: string) => void;
  drainer: Drainer;
}

/** Drains a group's instances (routable ones: no router sends them requests any more) and removes them. */
export function retire(deps: RollDeps, group: GroupRef, instances: readonly Instance[], signal: AbortSignal): Promise<void> {
  const names = instances.map((i) => i.name);
  return deps.drainer.retire(group.app, instances, isRoutable(group.type), () => deps.scheduler.removeInstances(group, names), signal);
}

function pollMs(deps: RollDeps, spec: GroupSpec): number {
  return deps.pollMs ?? spec.readiness.period * 1000;
}

/**
 * Old instances taken out of service during a rollout. With a post-deploy watch, routable ones are
 * only drained (`held`) and keep running until the watch is over, so a release that fails in it
 * gets the old instances back at once; others are stopped.
 */
interface Retiring {
  hold: boolean;
  held: Set<string>;
}

/** Lowers the old groups of a type to `total` serving instances, taking from the oldest releases first. */
async function shrinkOld(deps: RollDeps, old: Group[], total: number, retiring: Retiring, signal: AbortSignal): Promise<void> {
  const serving = (g: Group) => g.instances.filter((i) => !retiring.held.has(i.name));
  let excess = old.reduce((n, g) => n + serving(g).length, 0) - total;
  for (const group of [...old].sort((a, b) => a.release - b.release)) {
    if (excess <= 0) return;
    const leaving = [...serving(group)].sort((a, b) => b.index - a.index).slice(0, excess);
    if (leaving.length === 0) continue;
    if (retiring.hold && isRoutable(group.type)) {
      await deps.drainer.drain(group.app, leaving, signal);
      for (const i of leaving) retiring.held.add(i.name);
    } else await retire(deps, group, leaving, signal);
    excess -= leaving.length;
  }
}

/** Records how far the rollout has got, for those who wait for its release, and wakes them. */
async function progress(deps: RollDeps, rollout: Rollout, now: RolloutProgress): Promise<void> {
  if (await updateRollout(deps.store.db, rollout.app, rollout.version, { progress: now })) deps.releaseChanged(rollout.app);
}

/** Counts of one type's batches, as {@link RolloutProgress} reports them over the whole release. */
type ReportBatch = (ready: number, starting: number) => Promise<void>;

/** Observes what runs before anything changes, so an abort can put it back (once per rollout). */
async function observe(deps: RollDeps, rollout: Rollout): Promise<RolloutPlan> {
  if (rollout.plan.previous !== null) return rollout.plan;
  const groups = await deps.scheduler.listGroups(rollout.app);
  const previous = groups
    .filter((g) => g.release !== rollout.version && g.instances.length > 0)
    .map((g) => ({ release: g.release, type: g.type, replicas: g.instances.length }));
  const plan = { ...rollout.plan, previous };
  await updateRollout(deps.store.db, rollout.app, rollout.version, { plan });
  return plan;
}

/** The app's formation as it stands now (a scale during the rollout changes it). */
async function formationOf(deps: RollDeps, app: string): Promise<Formation> {
  const row = await findApp(deps.store.db, app);
  return row?.structure ?? {};
}

/**
 * Rolls a release out over its process types (routable first): per batch, the new group grows and
 * becomes ready, then the old groups shrink by as much. Then, for `BERTH_DEPLOY_WATCH`, the new
 * instances must keep running. Resumable and supersedable: counts are read from the scheduler, so
 * a rollout that was interrupted, or that replaces one of an older release halfway, continues where
 * the engine stands. Old groups go at the end.
 */
export async function rollOut(deps: RollDeps, rollout: Rollout, signal: AbortSignal): Promise<void> {
  const release = await loadReleaseSpec(deps.store.db, rollout.app, rollout.version);
  if (release !== undefined) {
    const plan = await observe(deps, rollout);
    const formation = await formationOf(deps, rollout.app);
    const settings = deploySettings(release.values, deps.defaults);
    const specs = releaseTypes(release).map((type) => groupSpec(release, type));
    const retiring: Retiring = { hold: settings.watchMs > 0, held: new Set() };
    for (const spec of specs) await deps.scheduler.createGroup(spec);
    const total = specs.reduce((n, spec) => n + (own(formation, spec.type) ?? 0), 0);
    let done = 0;
    for (const spec of specs) {
      signal.throwIfAborted();
      const want = own(formation, spec.type) ?? 0;
      const before = plan.previous?.filter((p) => p.type === spec.type).reduce((n, p) => n + p.replicas, 0) ?? 0;
      const report: ReportBatch = (ready, starting) =>
        progress(deps, rollout, { phase: "rolling", type: spec.type, ready: done + ready, starting: done + starting, want: total });
      await rollType(deps, spec, want, before, settings, retiring, signal, report);
      done += want;
    }
    const watched = specs.filter((spec) => (own(formation, spec.type) ?? 0) > 0);
    if (settings.watchMs > 0 && watched.length > 0) {
      await progress(deps, rollout, { phase: "watching", type: null, ready: total, starting: total, want: total });
      deps.emit(
        appEvent(rollout.app, "deploy", `v${rollout.version} is serving; watching it for ${settings.watchMs / 1000}s`, rollout.version),
      );
      await watchHealthy(deps.scheduler, watched, {
        durationMs: settings.watchMs,
        pollMs: Math.min(...watched.map((s) => pollMs(deps, s))),
        signal,
      });
    }
    for (const group of await deps.scheduler.listGroups(rollout.app)) {
      if (group.release === rollout.version) continue;
      await retire(deps, group, group.instances, signal);
      await deps.scheduler.deleteGroup(group);
    }
  }
  const finished = await deps.store.db.transaction().execute(async (tx) => {
    await lockApp(tx, deps.store.backend, rollout.app);
    // A newer release may have taken the rollout over meanwhile: then this one ended superseded.
    if (!(await deleteRollout(tx, rollout.app, rollout.version))) return false;
    await setReleaseState(tx, rollout.app, rollout.version, "deployed");
    await supersedeOlder(tx, rollout.app, rollout.version);
    return true;
  });
  if (finished) deps.releaseChanged(rollout.app);
  if (finished) deps.emit(appEvent(rollout.app, "deploy", `v${rollout.version} deployed`, rollout.version));
}

async function rollType(
  deps: RollDeps,
  spec: GroupSpec,
  want: number,
  before: number,
  settings: DeploySettings,
  retiring: Retiring,
  signal: AbortSignal,
  report: ReportBatch,
) {
  const groupsOf = async () => (await deps.scheduler.listGroups(spec.app)).filter((g) => g.type === spec.type);
  const current = (await groupsOf()).find((g) => sameGroup(g, spec));
  const existing = current?.instances.length ?? 0;
  let count = Math.min(existing, want);
  // Resuming: down to the wanted count, and what an interrupted rollout left half-done (an instance
  // created but not started) is finished.
  if (existing > 0) await deps.scheduler.scaleGroup(spec, count);
  let ready = 0;
  for (;;) {
    if (count > 0) {
      await report(ready, count);
      await waitReady(deps.scheduler, spec, count, { timeoutMs: settings.timeoutMs, pollMs: pollMs(deps, spec), signal });
      ready = count;
      await report(ready, count);
      deps.drainer.changed(spec.app);
    }
    const old = (await groupsOf()).filter((g) => g.release !== spec.release);
    await shrinkOld(deps, old, Math.max(0, before - count), retiring, signal);
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
 * Puts the app back as it was before the rollout: the previous groups get their instance counts
 * back (instances held back during a post-deploy watch are routed again at once), every other group
 * goes — the failed release's and any it superseded halfway — and the release is marked failed with
 * the reason.
 */
export async function revert(deps: RollDeps, rollout: Rollout, reason: string, signal: AbortSignal): Promise<void> {
  const restoring = (rollout.plan.previous ?? []).reduce((n, p) => n + p.replicas, 0);
  const reverting: RolloutProgress = { phase: "reverting", type: null, ready: 0, starting: restoring, want: restoring };
  if (await updateRollout(deps.store.db, rollout.app, rollout.version, { phase: "reverting", reason, progress: reverting })) {
    deps.releaseChanged(rollout.app);
  }
  const previous = rollout.plan.previous ?? [];
  // The old instances first, so that the app never has fewer ready instances than before.
  for (const group of previous) {
    const release = await loadReleaseSpec(deps.store.db, rollout.app, group.release);
    if (release === undefined) continue;
    const spec = groupSpec(release, group.type);
    await deps.scheduler.scaleGroup(spec, group.replicas);
    const running = (await deps.scheduler.listGroups(rollout.app)).find((g) => sameGroup(g, spec))?.instances ?? [];
    deps.drainer.release(
      rollout.app,
      running.map((i) => i.name),
    );
    const { timeoutMs } = deploySettings(release.values, deps.defaults);
    await waitReady(deps.scheduler, spec, group.replicas, { timeoutMs, pollMs: pollMs(deps, spec), signal }).catch((error: unknown) => {
      if (signal.aborted) throw error;
      deps.logger.warn("a restored group is not ready yet", { app: rollout.app, type: group.type, err: error });
    });
  }
  const kept = (g: GroupRef) => previous.some((p) => p.release === g.release && p.type === g.type);
  const leaving = (await deps.scheduler.listGroups(rollout.app)).filter((g) => !kept(g));
  await keepLastWords(
    deps,
    rollout,
    leaving.filter((g) => g.release === rollout.version).flatMap((g) => g.instances.map((i) => i.name)),
  );
  for (const group of leaving) {
    await retire(deps, group, group.instances, signal);
    await deps.scheduler.deleteGroup(group);
  }
  const ended = await deps.store.db.transaction().execute(async (tx) => {
    await lockApp(tx, deps.store.backend, rollout.app);
    if (!(await deleteRollout(tx, rollout.app, rollout.version))) return false;
    await setReleaseState(tx, rollout.app, rollout.version, "failed", reason);
    return true;
  });
  if (ended) deps.releaseChanged(rollout.app);
  if (ended) {
    deps.emit(
      appEvent(rollout.app, "deploy", `v${rollout.version} failed: ${reason}; the previous release keeps running`, rollout.version),
    );
  }
}
