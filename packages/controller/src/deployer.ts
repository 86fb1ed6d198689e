import type { Formation, Pod } from "@berth/api";
import type { Store } from "./store/open.ts";
import { lockApp, setReleaseState, supersedeOlder } from "./store/releases.ts";
import type { LogLine, LogOptions, MemoryUse } from "./scheduler/types.ts";
import type { Tx } from "./store/schema.ts";

/**
 * Turns recorded releases into running instances. The controller records a release and, in the same
 * transaction, has the deployer `accept` it; after the commit it calls `deploy`. The deployer owns the
 * rollout and reports the outcome through the release's state.
 */
export interface Deployer {
  /**
   * Called when an app is created, before it is shown to anyone: prepares what the scheduler needs
   * (a namespace on Kubernetes). When it throws, the app is not kept.
   */
  createApp?(app: string): Promise<void>;
  /**
   * Inside the transaction that records release `version` as pending: claims the app's one rollout
   * slot, or throws ROLLOUT_IN_PROGRESS (and the transaction, with the release, is rolled back).
   */
  accept(tx: Tx, app: string, version: number): Promise<void>;
  /** Starts rolling out an accepted release; resolves once it has started, not once it has finished. */
  deploy(app: string, version: number): Promise<void>;
  /** Applies a new formation to the live release. */
  scale(app: string, formation: Formation): Promise<void>;
  /** Replaces the live instances (of one type, or all) batch by batch; resolves once done. */
  restart(app: string, type?: string): Promise<void>;
  /** The app's instances as the engine reports them. */
  pods(app: string): Promise<Pod[]>;
  /** Recent output of the app's instances, oldest first. */
  logs(app: string, options?: LogOptions): Promise<LogLine[]>;
  /** Memory of the app's running instances per process type; undefined where the scheduler cannot say. */
  memory?(app: string): Promise<Map<string, MemoryUse> | undefined>;
  /**
   * Streams the output of the app's instances as it is written, picking up instances that start
   * later, until `signal` aborts (`Scheduler.followLogs`). Absent when the engine cannot follow:
   * callers then poll `logs`.
   */
  followLogs?(app: string, onLine: (line: LogLine) => void, signal: AbortSignal, options?: LogOptions): Promise<void>;
  /** Removes everything the app runs. */
  destroy(app: string): Promise<void>;
}

/**
 * The deployer of a controller that has no scheduler: nothing runs, and a release is recorded as
 * deployed at once (superseding the ones before it), and `onReleaseChanged` is told. Used until a
 * scheduler is configured.
 */
export function recordOnlyDeployer(store: Store, onReleaseChanged?: (app: string) => void): Deployer {
  return {
    async accept() {},
    async deploy(app, version) {
      await store.db.transaction().execute(async (tx) => {
        // The app's lock orders this against other release writes (else PostgreSQL may deadlock).
        await lockApp(tx, store.backend, app);
        await setReleaseState(tx, app, version, "deployed");
        await supersedeOlder(tx, app, version);
      });
      onReleaseChanged?.(app);
    },
    async scale() {},
    async restart() {},
    async pods() {
      return [];
    },
    async logs() {
      return [];
    },
    async destroy() {},
  };
}
