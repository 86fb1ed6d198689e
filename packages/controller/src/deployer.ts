import type { Formation } from "@berth/api";
import type { Store } from "./store/open.ts";
import { lockApp, setReleaseState, supersedeOlder } from "./store/releases.ts";

/**
 * Turns recorded releases into running instances. The controller records a release, then hands it
 * here; the deployer owns the rollout and reports the outcome through the release's state.
 */
export interface Deployer {
  /** Rolls out release `version` of `app` (it is recorded as pending). */
  deploy(app: string, version: number): Promise<void>;
  /** Applies a new formation to the live release. */
  scale(app: string, formation: Formation): Promise<void>;
  /** Removes everything the app runs. */
  destroy(app: string): Promise<void>;
}

/**
 * The deployer of a controller that has no scheduler: nothing runs, and a release is recorded as
 * deployed at once (superseding the ones before it). Used until a scheduler is configured.
 */
export function recordOnlyDeployer(store: Store): Deployer {
  return {
    async deploy(app, version) {
      await store.db.transaction().execute(async (tx) => {
        // The app's lock orders this against other release writes (else PostgreSQL may deadlock).
        await lockApp(tx, store.backend, app);
        await setReleaseState(tx, app, version, "deployed");
        await supersedeOlder(tx, app, version);
      });
    },
    async scale() {},
    async destroy() {},
  };
}
