import type { Formation, Pod } from "@berth/api";
import type { Deployer } from "../deployer.ts";
import { defaultDeploySettings } from "../domain/deploy-settings.ts";
import { redactConfig } from "../domain/redact.ts";
import { BerthError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import type { LogLine, LogOptions, MemoryUse, Scheduler } from "../scheduler/types.ts";
import { findApp, listAppIds } from "../store/apps.ts";
import { insertEvent } from "../store/app-events.ts";
import type { UpstreamSource, Upstreams } from "../route-table/hub.ts";
import type { RouterBoard } from "../route-table/router-board.ts";
import type { Store } from "../store/open.ts";
import { type LeaseOptions, LeaseLost, Leases, type LeaseWait, untilAborted } from "../leases/leases.ts";
import { liveLeases } from "../store/leases.ts";
import { lockApp, setReleaseState } from "../store/releases.ts";
import { deleteRollout, findRollout, insertRollout, listRollouts, type Rollout, takeOverRollout } from "../store/rollouts.ts";
import type { Tx } from "../store/schema.ts";
import { CrashCheck } from "./crash-check.ts";
import { type CrashWatchOptions, watchCrashes } from "./crash-watch.ts";
import { podsOf, upstreamsOf } from "./instances.ts";
import { Drainer } from "./drain.ts";
import { type AppEvent, appEvent, type EventSink } from "./app-events.ts";
import { restartLive, restore, scaleLive } from "./maintain.ts";
import { type RollDeps, revert, rollOut } from "./roll.ts";
import { loadReleaseSpec } from "./spec.ts";
import { RolloutFailure } from "./wait.ts";

export interface RolloutDeployerDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
  /** Receives app events (the app's log stream); they are logged either way. */
  events?: EventSink;
  /**
   * Called when the app's routable instances may have changed: the route table re-reads
   * `upstreams(app)`. Returns the route table version that shows the change.
   */
  onRoutesChanged?: (app: string) => number;
  /** What the routers report they route; instances leaving a rollout are stopped only once none sends them requests. */
  routers?: RouterBoard;
  /**
   * Called once a release of the app changed state, or its rollout's progress was recorded (both in
   * the store by then): those waiting for the release read it again (`ReleaseHub.changed`).
   */
  onReleaseChanged?: (app: string) => void;
  /**
   * The leases that keep controllers sharing the database out of each other's way (one holder of
   * each app's instances, one leader). Made over `store` when absent.
   */
  leases?: Leases;
}

export interface RolloutDeployerOptions {
  /** Instances per batch when the app sets no BERTH_DEPLOY_BATCHES. Default 1. */
  batchSize?: number;
  /** Seconds-per-batch budget when the app sets no BERTH_DEPLOY_TIMEOUT, in ms. Default 120 s. */
  timeoutMs?: number;
  /** How long a ready release is watched for crashes when the app sets no BERTH_DEPLOY_WATCH, in ms. Default 0. */
  watchMs?: number;
  /** Readiness poll interval in ms; the healthcheck's period when absent. */
  pollMs?: number;
  /**
   * The longest a leaving web instance waits for its in-flight requests once no router picks it,
   * in ms; also how often a router that still routes to it is named in a warning. Default 30 s.
   */
  drainGraceMs?: number;
  /** How often the leader looks for rollouts no controller carries on (one that held them died), in ms. Default 10 s. */
  resumeMs?: number;
  /** The leases' timing, when the deployer makes its own. */
  leases?: LeaseOptions;
}

/** The lease of whatever changes the app's instances. */
const appLease = (app: string) => `app:${app}`;
/** The leader's lease: reconcile, the crash watch, resuming orphaned rollouts. */
export const LEADER_LEASE = "controller";

/** A restart refused while a release rolls out (a rollout replaces every instance anyway). */
function inProgress(rollout: Rollout): BerthError {
  return new BerthError(
    "ROLLOUT_IN_PROGRESS",
    `the rollout of v${rollout.version} of "${rollout.app}" is in progress (since ${rollout.started})`,
    {
      hint: "it replaces every instance already; `berth releases` shows when it is deployed or failed",
    },
  );
}

/** What runs in the background for an app: one at a time, the newest stopping the one before. */
type RunKind = "deploy" | "restart" | "scale";

/**
 * The deployer over a {@link Scheduler}: one rollout per app at a time, recorded in the store so that
 * a restarted controller finishes or reverts it (`reconcile`). Rollouts run in the background. A
 * newer release takes over a rollout in progress (the release in between ends superseded), as a
 * Kubernetes Deployment does; a scale during one changes the counts it rolls out to.
 */
export class RolloutDeployer implements Deployer, UpstreamSource {
  readonly #deps: RollDeps;
  readonly #running = new Map<string, { kind: RunKind; abort: AbortController; done: Promise<void> }>();
  readonly #crashes: CrashCheck;
  #stopCrashWatch: (() => Promise<void>) | undefined;
  readonly #leases: Leases;
  readonly #resumeMs: number;
  #leading: Promise<void> | undefined;
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
      releaseChanged: (app: string) => deps.onReleaseChanged?.(app),
      defaults: {
        batchSize: options.batchSize ?? defaultDeploySettings.batchSize,
        timeoutMs: options.timeoutMs ?? defaultDeploySettings.timeoutMs,
        watchMs: options.watchMs ?? 0,
      },
      pollMs: options.pollMs,
      drainer: new Drainer({
        graceMs: options.drainGraceMs ?? 30_000,
        ...(deps.routers === undefined ? {} : { routers: deps.routers }),
        onChange: (app) => deps.onRoutesChanged?.(app) ?? 0,
        warn: (app, message) => this.#deps.emit(appEvent(app, "deploy", message)),
      }),
    };
    this.#crashes = new CrashCheck({ store: deps.store, scheduler: deps.scheduler, emit: this.#deps.emit });
    this.#leases = deps.leases ?? new Leases(deps.store, logger, options.leases);
    this.#resumeMs = options.resumeMs ?? 10_000;
    const follow = deps.scheduler.followLogs?.bind(deps.scheduler);
    if (follow !== undefined) this.followLogs = follow;
  }

  /** This controller's name in the leases it holds. */
  get holder(): string {
    return this.#leases.holder;
  }

  async createApp(app: string): Promise<void> {
    await this.#deps.scheduler.createApp?.(app);
  }

  /**
   * Claims the app's rollout slot for `version`. A rollout in progress is taken over: its release
   * ends superseded (or failed, when it was already being reverted), and the plan to restore what ran
   * before it is kept. A restart in progress simply gives way.
   */
  async accept(tx: Tx, app: string, version: number): Promise<void> {
    const row = await findApp(tx, app);
    const formation: Formation = row?.structure ?? {};
    const current = await findRollout(tx, app);
    if (current === undefined) {
      await insertRollout(tx, { app, version, kind: "deploy", phase: "rolling", plan: { formation, previous: null } });
      return;
    }
    if (current.kind === "deploy") {
      if (current.phase === "reverting") await setReleaseState(tx, app, current.version, "failed", current.reason);
      else await setReleaseState(tx, app, current.version, "superseded", `superseded by v${version} before its rollout finished`);
      await insertEvent(tx, appEvent(app, "deploy", `v${version} takes over the rollout of v${current.version}`, version));
    }
    const previous = current.kind === "deploy" ? current.plan.previous : null;
    await takeOverRollout(tx, app, version, { formation, previous });
  }

  /** Starts (or restarts, from where the engine stands) the app's recorded rollout, in the background. */
  async deploy(app: string): Promise<void> {
    // The release it accepted is in the store now, and so is the end of one it superseded.
    this.#deps.releaseChanged(app);
    // In the background: how it ends is the release's state, and a failure is logged by #start.
    this.#start(app, "deploy", (signal) => this.#run(app, signal), "take-over").catch(() => {});
  }

  /**
   * Applies the app's new formation (already stored): during a rollout, the rollout goes on towards
   * the new counts; otherwise the live release's groups are scaled now.
   */
  async scale(app: string, formation: Formation): Promise<void> {
    await this.#start(
      app,
      "scale",
      async (signal) => {
        // Looked at once what ran before has ended: a rollout that just finished has nothing to go on with.
        if ((await findRollout(this.#deps.store.db, app))?.kind === "deploy") void this.deploy(app);
        else await scaleLive(this.#deps, app, formation, signal);
      },
      "take-over",
    );
  }

  async restart(app: string, type?: string): Promise<void> {
    const { store } = this.#deps;
    await store.db.transaction().execute(async (tx) => {
      await lockApp(tx, store.backend, app);
      const current = await findRollout(tx, app);
      if (current?.kind === "deploy") throw inProgress(current);
      if (current === undefined) {
        await insertRollout(tx, { app, version: 0, kind: "restart", phase: "rolling", plan: { formation: {}, previous: [] } });
      }
    });
    await this.#start(
      app,
      "restart",
      (signal) => restartLive(this.#deps, app, type, signal).finally(() => this.#endRestart(app)),
      "take-over",
    );
  }

  async pods(app: string): Promise<Pod[]> {
    return podsOf(await this.#deps.scheduler.listGroups(app));
  }

  /** See {@link upstreamsOf}. */
  async upstreams(app: string): Promise<Upstreams> {
    const draining = this.#deps.drainer.draining(app);
    const groups = await this.#deps.scheduler.listGroups(app);
    const services = await this.#deps.scheduler.serviceAddresses?.(app);
    return upstreamsOf(groups, draining, services);
  }

  logs(app: string, options?: LogOptions): Promise<LogLine[]> {
    return this.#deps.scheduler.logs(app, options);
  }

  async memory(app: string): Promise<Map<string, MemoryUse> | undefined> {
    return this.#deps.scheduler.memory?.(app);
  }

  async destroy(app: string): Promise<void> {
    const running = this.#running.get(app);
    running?.abort.abort();
    await running?.done.catch(() => {});
    await this.#leases.hold(appLease(app), () => this.#deps.scheduler.destroyApp(app), { wait: "take-over" });
  }

  /**
   * Run on start: resumes rollouts that were in flight (or finishes reverting them), then makes every
   * other app's instances match its live release and formation. Resolves once resumed rollouts have
   * started; `idle()` waits for them.
   */
  async reconcile(): Promise<void> {
    const { store } = this.#deps;
    await this.#resume();
    for (const id of await listAppIds(store.db)) {
      if (this.#running.has(id)) continue;
      try {
        // An app another controller is working on is left to it.
        await this.#leases.hold(appLease(id), () => restore(this.#deps, id), { wait: "skip" });
      } catch (error) {
        if (error instanceof LeaseLost) return; // the controller is stopping
        this.#deps.logger.error("could not restore the app's instances", { app: id, err: error });
      }
    }
  }

  /**
   * Carries on the rollouts in the store that no controller works on (this one was restarted, or the
   * one that ran them died); a restart left behind is ended (what it replaced already serves).
   */
  async #resume(): Promise<void> {
    const { store } = this.#deps;
    const held = await liveLeases(store.db, store.backend, appLease(""));
    for (const rollout of await listRollouts(store.db)) {
      if (this.#running.has(rollout.app) || held.has(appLease(rollout.app))) continue;
      if (rollout.kind === "restart") await this.#leases.hold(appLease(rollout.app), () => this.#endRestart(rollout.app), { wait: "skip" });
      else {
        this.#deps.releaseChanged(rollout.app);
        this.#start(rollout.app, "deploy", (signal) => this.#run(rollout.app, signal), "skip").catch(() => {});
      }
    }
  }

  /**
   * Takes part in the election of the controller that runs the background work, until `close`:
   * while this one leads, it reconciles (once when it becomes the leader), watches for crashes, and
   * every `resumeMs` carries on rollouts that a controller which died left behind. Only one
   * controller sharing the database leads at a time. Returns at once.
   */
  lead(crashWatch: CrashWatchOptions = {}, alongside?: (signal: AbortSignal) => Promise<void>): void {
    this.#leading ??= this.#leases.lead(LEADER_LEASE, async (signal) => {
      await this.reconcile().catch((err: unknown) => this.#deps.logger.error("reconcile failed; apps may be missing instances", { err }));
      const stop = this.watchCrashes(crashWatch);
      // Other loops of the leader's (alerts): they stop when leadership ends, and are awaited then.
      const other = alongside?.(signal).catch((err: unknown) => this.#deps.logger.error("a leader's loop failed", { err }));
      const timer = setInterval(() => {
        this.#resume().catch((err: unknown) => this.#deps.logger.warn("could not look for rollouts to carry on", { err }));
      }, this.#resumeMs).unref();
      await untilAborted(signal);
      clearInterval(timer);
      await stop();
      await other;
      // The next leader (this one again, maybe) first takes note of restart counts as they are then.
      this.#crashes.forget();
    });
  }

  /** See {@link CrashCheck.check}. */
  checkCrashes(apps?: string[]): Promise<void> {
    return this.#crashes.check(apps);
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

  /** Frees the slot a restart held, under the app's lock, so a release taking it over meanwhile keeps it. */
  async #endRestart(app: string): Promise<void> {
    const { store } = this.#deps;
    await store.db.transaction().execute(async (tx) => {
      await lockApp(tx, store.backend, app);
      await deleteRollout(tx, app, 0);
    });
  }

  /** Stops the crash watch and background rollouts where they stand, for a clean shutdown; `reconcile` resumes them. */
  async close(): Promise<void> {
    await this.#stopCrashWatch?.();
    for (const run of this.#running.values()) run.abort.abort();
    await this.idle();
    // Leases are released as their work ends: another controller takes over at once, not after they run out.
    this.#leases.close();
    await this.#leading;
  }

  /**
   * Runs `work` for the app once what ran before it stopped: a newer run aborts the one in progress
   * and waits for it to end, so two runs never touch an app's instances at once. Resolves when the
   * work ends; deploys run in the background (the promise is not awaited). Across controllers the
   * app's lease does the same: `take-over` asks the one working on the app to stop, and waits for it;
   * `skip` leaves the app to it. Work stopped because another controller took the app over ends as
   * if superseded here.
   */
  #start(app: string, kind: RunKind, work: (signal: AbortSignal) => Promise<void>, wait: LeaseWait): Promise<void> {
    const before = this.#running.get(app);
    before?.abort.abort();
    const abort = new AbortController();
    let leased: AbortSignal | undefined;
    const stopped = () => abort.signal.aborted || leased?.reason instanceof LeaseLost;
    const outcome = (async () => {
      await before?.done;
      abort.signal.throwIfAborted();
      await this.#leases.hold(
        appLease(app),
        (signal) => {
          leased = signal;
          return work(signal);
        },
        { wait, signal: abort.signal },
      );
    })();
    const done = outcome.catch((error: unknown) => {
      if (stopped()) return;
      if (kind === "deploy") this.#deps.logger.error("rollout stopped with an error; reconcile will retry", { app, err: error });
    });
    const entry = { kind, abort, done };
    this.#running.set(app, entry);
    void done.finally(() => {
      if (this.#running.get(app) === entry) this.#running.delete(app);
    });
    // A superseded scale or restart is not an error for the one who asked: the newer change won.
    return outcome.catch((error: unknown) => {
      if (!stopped()) throw error;
    });
  }

  async #run(app: string, signal: AbortSignal): Promise<void> {
    const deps = this.#deps;
    const rollout = await findRollout(deps.store.db, app);
    if (rollout === undefined || rollout.kind !== "deploy") return;
    if (rollout.phase === "reverting") return revert(deps, rollout, rollout.reason ?? "the rollout was reverted", signal);
    deps.emit(appEvent(app, "deploy", `rolling out v${rollout.version}`, rollout.version));
    try {
      await rollOut(deps, rollout, signal);
    } catch (error) {
      if (signal.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      // The reason is stored, shown and logged: none of the release's config values may be in it.
      const values = (await loadReleaseSpec(deps.store.db, app, rollout.version).catch(() => undefined))?.values ?? {};
      const reason = redactConfig(error instanceof RolloutFailure ? message : `the scheduler failed: ${message}`, values);
      await revert(deps, (await findRollout(deps.store.db, app)) ?? rollout, reason, signal);
    }
  }
}
