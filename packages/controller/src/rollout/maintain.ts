import type { Formation } from "@berth/api";
import { BerthError } from "../errors.ts";
import { sameGroup } from "../scheduler/names.ts";
import { findApp } from "../store/apps.ts";
import { deployedVersion } from "../store/rollouts.ts";
import { appEvent } from "./app-events.ts";
import { type RollDeps, retire } from "./roll.ts";
import { deploySettings } from "../domain/deploy-settings.ts";
import { groupSpec, loadReleaseSpec, type ReleaseSpec, releaseTypes } from "./spec.ts";
import { RolloutFailure, waitReady } from "./wait.ts";
import { own } from "../domain/dict.ts";

async function liveRelease(deps: RollDeps, app: string): Promise<ReleaseSpec | undefined> {
  const version = await deployedVersion(deps.store.db, app);
  return version === undefined ? undefined : loadReleaseSpec(deps.store.db, app, version);
}

/**
 * Sets the live release's groups to the formation's counts (types not named keep theirs). Instances
 * that go are drained first (no new requests, in-flight ones finish); new ones join the route table
 * once they pass their healthcheck. New instances that never become ready are reported, not fatal:
 * the crash watcher and `berth ps` show them.
 */
export async function scaleLive(deps: RollDeps, app: string, formation: Formation, signal: AbortSignal): Promise<void> {
  const release = await liveRelease(deps, app);
  if (release === undefined) return;
  const { timeoutMs } = deploySettings(release.values, deps.defaults);
  for (const type of releaseTypes(release)) {
    signal.throwIfAborted();
    const replicas = own(formation, type);
    if (replicas === undefined) continue;
    const spec = groupSpec(release, type);
    await deps.scheduler.createGroup(spec);
    const running = (await deps.scheduler.listGroups(app)).find((g) => sameGroup(g, spec))?.instances ?? [];
    if (replicas < running.length) {
      const leaving = [...running].sort((a, b) => b.index - a.index).slice(0, running.length - replicas);
      await retire(deps, spec, leaving, signal);
      continue;
    }
    if (replicas === running.length) continue;
    await deps.scheduler.scaleGroup(spec, replicas);
    try {
      const waiting = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs * 2)]);
      await waitReady(deps.scheduler, spec, replicas, { timeoutMs, pollMs: deps.pollMs ?? spec.readiness.period * 1000, signal: waiting });
    } catch (error) {
      if (signal.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      deps.emit(appEvent(app, "scale", `${type} scaled to ${replicas}, but not every instance became ready: ${reason}`, release.version));
    }
    deps.drainer.changed(app);
  }
}

/**
 * Makes the engine match the store for an app with no rollout in flight: the live release's groups
 * get the formation's counts back (instances removed by hand, or exited for good after a host reboot,
 * are replaced) and groups of other releases are removed.
 */
export async function restore(deps: RollDeps, app: string): Promise<void> {
  const release = await liveRelease(deps, app);
  const row = await findApp(deps.store.db, app);
  if (release === undefined || row === undefined) return;
  const formation = row.structure;
  const groups = await deps.scheduler.listGroups(app);
  for (const group of groups) if (group.release !== release.version) await deps.scheduler.deleteGroup(group);
  for (const type of releaseTypes(release)) {
    const spec = groupSpec(release, type);
    const want = own(formation, type) ?? 0;
    const instances = groups.find((g) => sameGroup(g, spec))?.instances ?? [];
    const gone = instances.filter((i) => i.state === "exited").map((i) => i.name);
    if (gone.length > 0) await deps.scheduler.removeInstances(spec, gone);
    if (instances.length - gone.length === want) continue;
    await deps.scheduler.createGroup(spec);
    await deps.scheduler.scaleGroup(spec, want);
    deps.emit(appEvent(app, "scale", `${type} restored to ${want} instance(s) of v${release.version}`, release.version));
  }
}

/**
 * Replaces the live instances batch by batch: new ones start beside the old, and old ones go only
 * once the new are ready. When new ones fail, they are removed and the old keep running.
 */
export async function restartLive(deps: RollDeps, app: string, type: string | undefined, signal: AbortSignal): Promise<void> {
  const release = await liveRelease(deps, app);
  if (release === undefined) return;
  const types = releaseTypes(release);
  if (type !== undefined && !types.includes(type)) {
    throw new BerthError("UNKNOWN_PROCESS_TYPE", `process type "${type}" is not in the live release`, {
      hint: `its types are: ${types.join(", ")}`,
    });
  }
  const { batchSize, timeoutMs } = deploySettings(release.values, deps.defaults);
  const groups = await deps.scheduler.listGroups(app);
  for (const t of type === undefined ? types : [type]) {
    const spec = groupSpec(release, t);
    const old = [...(groups.find((g) => sameGroup(g, spec))?.instances ?? [])].sort((a, b) => a.index - b.index);
    for (let i = 0; i < old.length; i += batchSize) {
      const batch = old.slice(i, i + batchSize);
      const current = (await deps.scheduler.listGroups(app)).find((g) => sameGroup(g, spec))?.instances ?? [];
      const known = new Set(current.map((x) => x.name));
      await deps.scheduler.scaleGroup(spec, current.length + batch.length);
      try {
        await waitReady(deps.scheduler, spec, batch.length, {
          timeoutMs,
          pollMs: deps.pollMs ?? spec.readiness.period * 1000,
          signal,
          known,
        });
      } catch (error) {
        const now = (await deps.scheduler.listGroups(app)).find((g) => sameGroup(g, spec))?.instances ?? [];
        // Even when the restart was superseded: the new instances it started go, the old stay.
        await retire(
          deps,
          spec,
          now.filter((x) => !known.has(x.name)),
          new AbortController().signal,
        );
        if (!(error instanceof RolloutFailure)) throw error;
        throw new BerthError("UNAVAILABLE", `restart of ${t} stopped: ${error.message}; the old instances keep running`, {
          hint: "see `berth logs` for why the new instances did not become ready",
        });
      }
      deps.drainer.changed(app);
      await retire(deps, spec, batch, signal);
      deps.emit(appEvent(app, "restart", `restarted ${batch.map((x) => x.name).join(", ")}`, release.version));
    }
  }
}
