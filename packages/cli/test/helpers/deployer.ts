import type { Pod, RolloutProgress } from "@berth/api";
import { type Deployer, type LogLine, recordOnlyDeployer, type ReleaseHub, type Store } from "@berth/controller";

export interface GatedDeployer {
  deployer: (store: Store, releases: ReleaseHub) => Deployer;
  /** Ends the pending rollouts of an app: deployed, failed with `failure`, or superseded (a newer release took them over). */
  settle(app: string, failure?: string | { superseded: true }): Promise<void>;
  /** Records how far the app's pending rollout has got, as the real deployer does after each batch. */
  progress(app: string, progress: RolloutProgress): Promise<void>;
}

/**
 * A deployer whose rollouts (after v1) stay pending until the test settles them, so the CLI has
 * something to wait for, however slow the machine is.
 */
export function gatedDeployer(): GatedDeployer {
  let store: Store | undefined;
  let hub: ReleaseHub | undefined;
  const pending = new Map<string, number[]>();
  return {
    deployer(given, releases) {
      store = given;
      hub = releases;
      const record = recordOnlyDeployer(given);
      return {
        ...record,
        async accept(tx, app, version) {
          const now = new Date().toISOString();
          const rollout = {
            app_id: app,
            version,
            kind: "deploy",
            phase: "rolling",
            plan: JSON.stringify({ formation: { web: 2 }, previous: null }),
            reason: null,
            progress: null,
          };
          await tx.deleteFrom("rollouts").where("app_id", "=", app).execute();
          await tx
            .insertInto("rollouts")
            .values({ ...rollout, started: now, updated: now })
            .execute();
        },
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
            .set(typeof failure === "string" ? { state: "failed", failure } : { state: "superseded" })
            .where("app_id", "=", app)
            .where("version", "=", version)
            .execute();
      }
      pending.delete(app);
      await store.db.deleteFrom("rollouts").where("app_id", "=", app).execute();
      hub?.changed(app);
    },
    async progress(app, progress) {
      if (store === undefined) throw new Error("the deployer is not in a controller yet");
      await store.db
        .updateTable("rollouts")
        .set({ progress: JSON.stringify(progress) })
        .where("app_id", "=", app)
        .execute();
      hub?.changed(app);
    },
  };
}

export interface ScriptedDeployer {
  deployer: (store: Store) => Deployer;
  /** The instances an app runs, as the engine would report them. */
  pods: Map<string, Pod[]>;
  /** Output of an app's instances, oldest first. */
  lines: Map<string, LogLine[]>;
  /** An instance writes a line: kept in `lines` and streamed to the app's followers, as an engine's follow mode does. */
  print(app: string, line: LogLine): void;
  /** `[app, type]` of every restart asked for. */
  restarts: [string, string | undefined][];
}

/**
 * A record-only deployer whose engine reports the instances and output a test scripts, and which
 * records restarts (replacing the restarted instances as a rollout would: started now, no restarts).
 */
export function scriptedDeployer(): ScriptedDeployer {
  const pods = new Map<string, Pod[]>();
  const lines = new Map<string, LogLine[]>();
  const restarts: [string, string | undefined][] = [];
  const followers = new Set<{ app: string; onLine: (line: LogLine) => void }>();
  return {
    pods,
    lines,
    restarts,
    print(app, line) {
      lines.set(app, [...(lines.get(app) ?? []), line]);
      for (const follower of followers) if (follower.app === app) follower.onLine(line);
    },
    deployer(store) {
      return {
        ...recordOnlyDeployer(store),
        async pods(app) {
          return pods.get(app) ?? [];
        },
        async logs(app, options) {
          const since = options?.since;
          const all = (lines.get(app) ?? []).filter((line) => since === undefined || line.time >= since);
          return all.slice(Math.max(0, all.length - (options?.tail ?? all.length)));
        },
        async followLogs(app, onLine, signal) {
          const follower = { app, onLine };
          followers.add(follower);
          await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          followers.delete(follower);
        },
        async restart(app, type) {
          restarts.push([app, type]);
          const started = new Date().toISOString();
          pods.set(
            app,
            (pods.get(app) ?? []).map((pod) => (type === undefined || pod.type === type ? { ...pod, started, restarts: 0 } : pod)),
          );
        },
      };
    },
  };
}
