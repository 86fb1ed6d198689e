import { type Deployer, recordOnlyDeployer, type Store } from "@berth/controller";

/**
 * A deployer whose rollouts take a while, so the CLI has something to wait for: releases of apps
 * named in `failures` fail with that reason, the others are deployed, after `ms`.
 */
export function slowDeployer(failures: Map<string, string>, ms = 800): (store: Store) => Deployer {
  return (store) => {
    const record = recordOnlyDeployer(store);
    return {
      async deploy(app, version) {
        setTimeout(() => {
          const failure = failures.get(app);
          void (failure === undefined || version === 1
            ? record.deploy(app, version)
            : store.db
                .updateTable("releases")
                .set({ state: "failed", failure })
                .where("app_id", "=", app)
                .where("version", "=", version)
                .execute());
        }, ms);
      },
      scale: record.scale,
      destroy: record.destroy,
    };
  };
}
