import type { Healthcheck, ProcessLimits, Procfile } from "@berth/api";
import type { GroupSpec, ReadinessCheck } from "../scheduler/types.ts";
import type { Executor } from "../store/schema.ts";
import { findBuild, findConfig, findRelease } from "../store/releases.ts";
import { own } from "../domain/dict.ts";
import { isRoutable } from "../domain/procfile.ts";

/** What a release runs: its build and config, as the deployer needs them. */
export interface ReleaseSpec {
  app: string;
  version: number;
  image: string;
  sha: string;
  procfile: Procfile;
  values: Record<string, string>;
  limits: Record<string, ProcessLimits>;
  healthchecks: Record<string, Healthcheck>;
}

/** Loads a release's build and config; undefined when it has no build (v1 or config before code). */
export async function loadReleaseSpec(db: Executor, app: string, version: number): Promise<ReleaseSpec | undefined> {
  const release = await findRelease(db, app, version);
  if (release?.build_id == null) return undefined;
  const build = await findBuild(db, app, release.build_id);
  const config = await findConfig(db, release.config_id);
  if (build === undefined || config === undefined) return undefined;
  return {
    app,
    version,
    image: build.image,
    sha: build.sha,
    procfile: build.procfile,
    values: config.values,
    limits: config.limits,
    healthchecks: config.healthchecks,
  };
}

/** The release's process types, routable ones first (they are rolled out first). */
export function releaseTypes(release: ReleaseSpec): string[] {
  const types = Object.keys(release.procfile);
  const all = types.length > 0 ? types : ["web"];
  return [...all].sort((a, b) => Number(!isRoutable(a)) - Number(!isRoutable(b)) || a.localeCompare(b));
}

export function readinessCheck(type: string, check: Healthcheck | undefined): ReadinessCheck {
  const mode = check?.path !== undefined ? "http" : check !== undefined || isRoutable(type) ? "tcp" : "running";
  return {
    mode,
    path: check?.path,
    initialDelay: check?.initialDelay ?? 0,
    timeout: check?.timeout ?? 2,
    period: check?.period ?? 2,
    failureThreshold: check?.failureThreshold ?? 3,
  };
}

/**
 * Environment of an instance: platform values first, then the app's config, which wins. `PORT` is
 * added by the scheduler unless the config sets it.
 */
export function instanceEnv(release: ReleaseSpec): Record<string, string> {
  return {
    BERTH_APP: release.app,
    BERTH_RELEASE: `v${release.version}`,
    ...(release.sha === "" ? {} : { SOURCE_VERSION: release.sha }),
    ...release.values,
  };
}

export function groupSpec(release: ReleaseSpec, type: string): GroupSpec {
  return {
    app: release.app,
    release: release.version,
    type,
    image: release.image,
    command: own(release.procfile, type),
    env: instanceEnv(release),
    limits: own(release.limits, type),
    readiness: readinessCheck(type, own(release.healthchecks, type)),
  };
}
