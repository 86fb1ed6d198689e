import { rolloutDefaults } from "@berth/config";

/** How an app's rollouts go: from its config, else the platform's defaults. */
export interface DeploySettings {
  batchSize: number;
  timeoutMs: number;
  /** How long a release that became ready is watched for crashes before it counts as deployed. */
  watchMs: number;
}

/** Seconds in a config value → ms; undefined when the value is not a number of seconds from `min`. */
function seconds(value: string | undefined, min: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= 86_400 ? Math.round(n * 1000) : undefined;
}

/**
 * Per-app rollout settings from config, Deis-style: `BERTH_DEPLOY_BATCHES` (instances per batch),
 * `BERTH_DEPLOY_TIMEOUT` (seconds a batch may take to become ready) and `BERTH_DEPLOY_WATCH`
 * (seconds the ready release is watched for crashes; 0 for none). Bad values fall back to defaults.
 */
export function deploySettings(values: Record<string, string>, defaults: DeploySettings): DeploySettings {
  const batches = Number(values.BERTH_DEPLOY_BATCHES);
  const timeout = seconds(values.BERTH_DEPLOY_TIMEOUT, 0);
  return {
    batchSize: Number.isInteger(batches) && batches >= 1 ? batches : defaults.batchSize,
    timeoutMs: timeout !== undefined && timeout > 0 ? timeout : defaults.timeoutMs,
    watchMs: seconds(values.BERTH_DEPLOY_WATCH, 0) ?? defaults.watchMs,
  };
}

/** The platform's defaults when its settings name none: one instance per batch, 120 s, a 10 s watch. */
export const defaultDeploySettings: DeploySettings = { ...rolloutDefaults };
