import type { Formation, Pod } from "@berth/api";
import type { Deployer } from "../deployer.ts";
import { BerthError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { Instance, LogLine, LogOptions, Scheduler } from "../scheduler/types.ts";
import { findApp } from "../store/apps.ts";
import type { UpstreamSource, Upstreams } from "../routing/hub.ts";
import type { Store } from "../store/open.ts";
import { lockApp } from "../store/releases.ts";
import { deleteRollout, findRollout, insertRollout, listRollouts, type Rollout } from "../store/rollouts.ts";
import type { Tx } from "../store/schema.ts";
import { type CrashWatchOptions, watchCrashes } from "./crash-watch.ts";
import { Drainer } from "./drain.ts";
import { type AppEvent, appEvent, type EventSink } from "./events.ts";
import { restartLive, restore, scaleLive } from "./maintain.ts";
import { type RollDeps, revert, rollOut } from "./roll.ts";
import { isRoutable } from "./spec.ts";
import { RolloutFailure } from "./wait.ts";

export interface RolloutDeployerDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
  /** Receives app events (the app's log stream); they are logged either way. */
  events?: EventSink;
  /** Called when the app's routable instances may have changed: the route table re-reads `upstreams(app)`. */
  onRoutesChanged?: (app: string) => void;
}

export interface RolloutDeployerOptions {
  /** Instances per batch when the app sets no BERTH_DEPLOY_BATCHES. Default 1. */
  batchSize?: number;
  /** Seconds-per-batch budget when the app sets no BERTH_DEPLOY_TIMEOUT, in ms. Default 120 s. */
  timeoutMs?: number;
  /** Readiness poll interval in ms; the healthcheck's period when absent. */
  pollMs?: number;
  /** How long a web instance is drained (no new requests) before it is stopped, in ms. Default 0. */
  drainMs?: number;
}

/** Where the router may send an app's requests, and the instances it should let finish. */
function inProgress(rollout: Rollout): BerthError {
  const what = rollout.kind === "restart" ? "a restart" : `the rollout of v${rollout.version}`;
  return new BerthError("ROLLOUT_IN_PROGRESS", `${what} of "${rollout.app}" is in progress (since ${rollout.started})`, {
    hint: "wait for it to finish, then try again; `berth releases` shows when it is deployed or failed",
  });
}

/**
 * The deployer over a {@link Scheduler}: one rollout per app at a time, recorded in the store so that
 * a restarted controller finishes or reverts it (`reconcile`). Rollouts run in the background.
 */
export class RolloutDeployer implements Deployer, UpstreamSource {
  readonly #deps: RollDeps;
  readonly #running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Restart counts seen by `checkCrashes`, per app and instance name; undefined before the first check. */
  #restarts: Map<string, Map<string, number>> | undefined;
  #stopCrashWatch: (() => Promise<void>) | undefined;
  /** The scheduler's follow mode, when it has one. */
  readonly followLogs?: NonNullable<Deployer["followLogs"]>;

  constructor(deps: RolloutDeployerDeps, options: RolloutDeployerOptions = {}) {
    const logger = deps.logger.child({ component: "deployer" });
    this.#deps = {
      store: deps.store,
      scheduler: deps.scheduler,
      logger,
      emit: (event: AppEvent) => {
        logger.info(event.message, { app: event.app, release: event.release, event: event.kind });
        deps.events?.(event);
      },
      defaults: { batchSize: options.batchSize ?? 1, timeoutMs: options.timeoutMs ?? 120_000 },
      pollMs: options.pollMs,
      drainer: new Drainer(options.drainMs ?? 0, (app) => deps.onRoutesChanged?.(app)),
    };
    const follow = deps.scheduler.followLogs?.bind(deps.scheduler);
    if (follow !== undefined) this.followLogs = follow;
  }

  async createApp(app: string): Promise<void> {
    await this.#deps.scheduler.createApp?.(app);
  }

  async accept(tx: Tx, app: string, version: number): Promise<void> {
    const current = await findRollout(tx, app);
    if (current !== undefined) throw inProgress(current);
    const row = await findApp(tx, app);
    const formation = JSON.parse(row?.structure ?? "{}") as Formation;
    await insertRollout(tx, { app, version, kind: "deploy", phase: "rolling", plan: { formation, previous: null } });
  }

  async deploy(app: string): Promise<void> {
    this.#start(app);
  }

  async scale(app: string, formation: Formation): Promise<void> {
    const current = await findRollout(this.#deps.store.db, app);
    if (current !== undefined) throw inProgress(current);
    await scaleLive(this.#deps, app, formation);
  }

  async restart(app: string, type?: string): Promise<void> {
    const { store } = this.#deps;
    await store.db.transaction().execute(async (tx) => {
      await lockApp(tx, store.backend, app);
      const current = await findRollout(tx, app);
      if (current !== undefined) throw inProgress(current);
      await insertRollout(tx, { app, version: 0, kind: "restart", phase: "rolling", plan: { formation: {}, previous: [] } });
    });
    const abort = new AbortController();
    const done = restartLive(this.#deps, app, type, abort.signal).finally(() => deleteRollout(store.db, app));
    this.#track(app, abort, done);
    await done;
  }

  async pods(app: string): Promise<Pod[]> {
    const groups = await this.#deps.scheduler.listGroups(app);
    return groups
      .flatMap((g) => g.instances)
      .sort((a, b) => a.type.localeCompare(b.type) || a.index - b.index)
      .map((i) => ({
        name: i.name,
        type: i.type,
        release: `v${i.release}`,
        state: i.state,
        ready: i.ready,
        started: i.started,
        restarts: i.restarts,
      }));
  }

  /**
   * The app's ready web (and cmd) instances, minus those being drained, which are listed apart; or,
   * when the scheduler balances behind Services (Kubernetes), the address of each type with a ready pod.
   */
  async upstreams(app: string): Promise<Upstreams> {
    const draining = this.#deps.drainer.draining(app);
    const groups = (await this.#deps.scheduler.listGroups(app)).filter((g) => isRoutable(g.type));
    const service = this.#deps.scheduler.serviceAddress?.bind(this.#deps.scheduler);
    if (service !== undefined) {
      // The engine balances and drains behind one address per type: route there once a pod is ready.
      const types = new Set(groups.filter((g) => g.instances.some((i) => i.ready)).map((g) => g.type));
      return { ready: [...types].sort().map((type) => service(app, type)), draining: [] };
    }
    const instances = groups.flatMap((g) => g.instances);
    const address = (i: Instance) => i.address ?? "";
    return {
      ready: instances.filter((i) => i.ready && i.address !== null && !draining.has(i.name)).map(address),
      draining: instances.filter((i) => i.address !== null && draining.has(i.name)).map(address),
    };
  }

  logs(app: string, options?: LogOptions): Promise<LogLine[]> {
    return this.#deps.scheduler.logs(app, options);
  }

  async destroy(app: string): Promise<void> {
    const running = this.#running.get(app);
    running?.abort.abort();
    await running?.done.catch(() => {});
    await this.#deps.scheduler.destroyApp(app);
  }

  /**
   * Run on start: resumes rollouts that were in flight (or finishes reverting them), then makes every
   * other app's instances match its live release and formation. Resolves once resumed rollouts have
   * started; `idle()` waits for them.
   */
  async reconcile(): Promise<void> {
    const { store } = this.#deps;
    for (const rollout of await listRollouts(store.db)) {
      if (rollout.kind === "restart") await deleteRollout(store.db, rollout.app);
      else this.#start(rollout.app);
    }
    const apps = await store.db.selectFrom("apps").select("id").orderBy("id").execute();
    for (const { id } of apps) {
      if (this.#running.has(id)) continue;
      try {
        await restore(this.#deps, id);
      } catch (error) {
        this.#deps.logger.error("could not restore the app's instances", { app: id, err: error });
      }
    }
  }

  /**
   * Reports every instance the engine restarted since the last check as a `crash` event with its
   * restart count: of these apps, or of every app. The first check looks at every app and only
   * takes note, so a restarted controller does not report old crashes.
   */
  async checkCrashes(apps?: string[]): Promise<void> {
    const first = this.#restarts === undefined;
    const known = this.#restarts ?? new Map<string, Map<string, number>>();
    const wanted = first ? undefined : apps;
    if (wanted?.length === 0) return;
    let query = this.#deps.store.db.selectFrom("apps").select("id").orderBy("id");
    // Named apps that are not in the store (another installation's containers) are left alone.
    if (wanted !== undefined) query = query.where("id", "in", wanted);
    const ids = (await query.execute()).map((row) => row.id);
    if (wanted === undefined) for (const app of known.keys()) if (!ids.includes(app)) known.delete(app);
    for (const id of ids) {
      const before = known.get(id);
      const seen = new Map<string, number>();
      for (const instance of (await this.#deps.scheduler.listGroups(id)).flatMap((g) => g.instances)) {
        seen.set(instance.name, instance.restarts);
        if (first || instance.restarts <= (before?.get(instance.name) ?? 0)) continue;
        const code = instance.exitCode === null ? "" : ` with code ${instance.exitCode}`;
        const message = `${instance.type}.${instance.index} (${instance.name}) exited${code}; restarted ${instance.restarts} time(s)`;
        this.#deps.emit(appEvent(id, "crash", message, instance.release));
      }
      known.set(id, seen);
    }
    this.#restarts = known;
  }

  /**
   * Checks for crashes whenever the scheduler reports instances changed (its watch), and every
   * `intervalMs` besides, for engines without a watch and for a watch's gaps; `close` stops it.
   * Returns the function that stops it too.
   */
  watchCrashes(options: CrashWatchOptions = {}): () => Promise<void> {
    const stop = watchCrashes(
      this.#deps.scheduler,
      (apps) => this.checkCrashes(apps),
      (err) => this.#deps.logger.warn("could not check instances for crashes", { err }),
      options,
    );
    this.#stopCrashWatch = stop;
    return stop;
  }

  /** Resolves when no rollout runs (for one app, or for all). */
  async idle(app?: string): Promise<void> {
    const runs = app === undefined ? [...this.#running.values()] : [this.#running.get(app)].filter((r) => r !== undefined);
    await Promise.all(runs.map((r) => r.done.catch(() => {})));
  }

  /** Stops the crash watch and background rollouts where they stand, for a clean shutdown; `reconcile` resumes them. */
  async close(): Promise<void> {
    await this.#stopCrashWatch?.();
    for (const run of this.#running.values()) run.abort.abort();
    await this.idle();
  }

  #track(app: string, abort: AbortController, done: Promise<void>): void {
    const entry = { abort, done };
    this.#running.set(app, entry);
    void done
      .catch(() => {})
      .finally(() => {
        if (this.#running.get(app) === entry) this.#running.delete(app);
      });
  }

  #start(app: string): void {
    const abort = new AbortController();
    const done = this.#run(app, abort.signal).catch((error: unknown) => {
      this.#deps.logger.error("rollout stopped with an error; reconcile will retry", { app, err: error });
    });
    this.#track(app, abort, done);
  }

  async #run(app: string, signal: AbortSignal): Promise<void> {
    const deps = this.#deps;
    const rollout = await findRollout(deps.store.db, app);
    if (rollout === undefined || rollout.kind !== "deploy") return;
    if (rollout.phase === "reverting") return revert(deps, rollout, rollout.reason ?? "the rollout was reverted");
    deps.emit(appEvent(app, "deploy", `rolling out v${rollout.version}`, rollout.version));
    try {
      await rollOut(deps, rollout, signal);
    } catch (error) {
      if (signal.aborted) return;
      const reason =
        error instanceof RolloutFailure ? error.message : `the scheduler failed: ${error instanceof Error ? error.message : String(error)}`;
      await revert(deps, (await findRollout(deps.store.db, app)) ?? rollout, reason);
    }
  }
}
