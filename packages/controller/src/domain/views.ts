import type { App, Build, BuildDetail, BuildKind, Config, Release, ReleaseState, TokenInfo, User } from "@berth/api";
import { type DeploySettings, deploySettings } from "./deploy-settings.ts";
import type { AppWithOwner } from "../store/apps.ts";
import type { BuildWithOwner, ConfigWithOwner, ReleaseWithOwner } from "../store/releases.ts";
import type { TokenRow, UserRow } from "../store/schema.ts";

/** Rows as the API shows them. */

export function userView(row: UserRow): User {
  return { username: row.username, email: row.email, isAdmin: row.is_admin === 1, created: row.created };
}

/** A token as its owner sees it: never the secret or its hash. */
export function tokenView(row: TokenRow, currentId: string | undefined): TokenInfo {
  return { id: row.id, label: row.label, created: row.created, lastUsed: row.last_used, current: row.id === currentId };
}

export function appView(row: AppWithOwner, urlTemplate: string): App {
  return {
    id: row.id,
    owner: row.owner,
    structure: { ...row.structure },
    url: urlTemplate.replaceAll("{app}", row.id),
    created: row.created,
    updated: row.updated,
  };
}

export function configView(row: ConfigWithOwner, app: string, defaults: DeploySettings): Config {
  const rollout = deploySettings(row.values, defaults);
  return {
    uuid: row.id,
    app,
    owner: row.owner,
    values: row.values,
    limits: row.limits,
    healthchecks: row.healthchecks,
    rollout: { batches: rollout.batchSize, timeout: rollout.timeoutMs / 1000, watch: rollout.watchMs / 1000 },
    created: row.created,
  };
}

export function buildView(row: BuildWithOwner): Build {
  return {
    uuid: row.id,
    app: row.app_id,
    owner: row.owner,
    image: row.image,
    sha: row.sha,
    procfile: row.procfile,
    kind: row.kind as BuildKind,
    durationMs: row.duration_ms,
    created: row.created,
  };
}

export function buildDetailView(row: BuildWithOwner): BuildDetail {
  return { ...buildView(row), log: row.log };
}

export function releaseView(row: ReleaseWithOwner): Release {
  return {
    uuid: row.id,
    app: row.app_id,
    version: row.version,
    owner: row.owner,
    summary: row.summary,
    state: row.state as ReleaseState,
    failure: row.failure,
    build: row.build_id,
    config: row.config_id,
    created: row.created,
    updated: row.updated,
  };
}
