import { type Deployer, recordOnlyDeployer, type Store } from "@berth/controller";

export interface GatedDeployer {
  deployer: (store: Store) => Deployer;
  /** Ends the pending rollouts of an app: deployed, or failed with `failure`. */
  settle(app: string, failure?: string): Promise<void>;
}

/**
 * A deployer whose rollouts (after v1) stay pending until the test settles them, so the CLI has
 * something to wait for, however slow the machine is.
 */
export function gatedDeployer(): GatedDeployer {
  let store: Store | undefined;
  const pending = new Map<string, number[]>();
  return {
    deployer(given) {
      store = given;
      const record = recordOnlyDeployer(given);
      return {
        ...record,
        async deploy(app, version) {
          if (version === 1) return record.deploy(app, version);
          pending.set(app, [...(pending.get(app) ?? []), version]);
        },
      };
    },
    async settle(app, failure) {
      if (store === undefined) throw new Error("the deployer is not in a controller yet");
      for (const version of pending.get(app) ?? []) {
        if (failure === undefined) await recordOnlyDeployer(store).deploy(app, version);
        else
          await store.db
            .updateTable("releases")
            .set({ state: "failed", failure })
            .where("app_id", "=", app)
            .where("version", "=", version)
            .execute();
      }
      pending.delete(app);
    },
  };
}
