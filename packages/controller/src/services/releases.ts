import { randomUUID } from "node:crypto";
import type { BuildKind, Config, ConfigChange, Formation, Procfile } from "@berth/api";
import type { Deployer } from "../deployer.ts";
import { applyConfigChange, type ConfigDocument } from "../domain/config.ts";
import { BerthError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { appEvent } from "../rollout/app-events.ts";
import { insertEvent } from "../store/app-events.ts";
import { findApp, insertApp, setAppStructure } from "../store/apps.ts";
import type { Store } from "../store/open.ts";
import {
  findConfig,
  findRelease,
  insertBuild,
  insertConfig,
  insertRelease,
  latestGoodRelease,
  latestRelease,
  lockApp,
  type BuildRecord,
  type ConfigRecord,
  type ReleaseWithOwner,
} from "../store/releases.ts";
import type { Executor, ReleaseRow, Tx } from "../store/schema.ts";
import type { DeploySettings } from "../domain/deploy-settings.ts";
import { configView } from "../domain/views.ts";
import { own } from "../domain/dict.ts";

export interface ReleaseDeps {
  store: Store;
  deployer: Deployer;
  logger: Logger;
}

export interface Actor {
  id: string;
  username: string;
}

export interface NewBuild {
  image: string;
  sha: string;
  procfile: Procfile;
  kind: BuildKind;
  log?: string;
  durationMs?: number;
}

/** The process types of a build: its Procfile's, or `web` running the image's own command. */
export function processTypes(procfile: Procfile): string[] {
  const types = Object.keys(procfile);
  return types.length > 0 ? types : ["web"];
}

const emptyConfig: ConfigDocument = { values: {}, limits: {}, healthchecks: {} };

function configDocument(config: ConfigRecord): ConfigDocument {
  return { values: config.values, limits: config.limits, healthchecks: config.healthchecks };
}

/** The config of the app's live release, as the API shows it (with the rollout settings it implies). */
export async function liveConfig(db: Executor, appId: string, defaults: DeploySettings): Promise<Config> {
  const live = await latestGoodRelease(db, appId);
  const config = live ? await findConfig(db, live.config_id) : undefined;
  if (config === undefined) throw new BerthError("INTERNAL", `app "${appId}" has no config`);
  return configView(config, appId, defaults);
}

/** Creates an app with its empty config and release v1 (no build; nothing to run). */
export async function createAppWithRelease(deps: ReleaseDeps, id: string, actor: Actor): Promise<void> {
  await deps.store.db.transaction().execute(async (tx) => {
    if (await findApp(tx, id)) {
      throw new BerthError("APP_EXISTS", `app "${id}" already exists`, { hint: "pick another name, or omit it for a random one" });
    }
    await insertApp(tx, id, actor.id);
    const now = new Date().toISOString();
    const config = configRow(id, actor, emptyConfig, now);
    await insertConfig(tx, config);
    await insertRelease(tx, releaseRow(id, 1, actor, null, config.id, `${actor.username} created initial release`, now, "deployed"));
  });
}

interface Plan {
  buildId: string | null;
  configId: string;
  summary: string;
  /** Rows to write with the release. */
  build?: BuildRecord;
  config?: ConfigRecord;
}

function releaseRow(
  appId: string,
  version: number,
  actor: Actor,
  buildId: string | null,
  configId: string,
  summary: string,
  now: string,
  state: ReleaseRow["state"],
): ReleaseRow {
  return {
    id: randomUUID(),
    app_id: appId,
    version,
    owner_id: actor.id,
    build_id: buildId,
    config_id: configId,
    summary,
    state,
    failure: null,
    created: now,
    updated: now,
  };
}

function configRow(appId: string, actor: Actor, doc: ConfigDocument, now: string): ConfigRecord {
  return { id: randomUUID(), app_id: appId, owner_id: actor.id, ...doc, created: now };
}

/**
 * Makes release N+1 of an app from a plan computed against the live release, in one transaction
 * that holds the app's lock, then hands it to the deployer. Versions are never reused or skipped.
 * Resolves once the rollout has started; the release's state tells how it ends.
 */
async function releaseAndDeploy(
  deps: ReleaseDeps,
  appId: string,
  actor: Actor,
  plan: (tx: Tx, live: ReleaseWithOwner) => Promise<Plan>,
  after?: (tx: Tx, version: number) => Promise<void>,
): Promise<number> {
  const version = await deps.store.db.transaction().execute(async (tx) => {
    await lockApp(tx, deps.store.backend, appId);
    const latest = await latestRelease(tx, appId);
    const live = await latestGoodRelease(tx, appId);
    if (latest === undefined || live === undefined) throw new BerthError("INTERNAL", `app "${appId}" has no release`);
    const p = await plan(tx, live);
    if (p.build) await insertBuild(tx, p.build);
    if (p.config) await insertConfig(tx, p.config);
    const next = latest.version + 1;
    await insertRelease(tx, releaseRow(appId, next, actor, p.buildId, p.configId, p.summary, new Date().toISOString(), "pending"));
    await insertEvent(tx, appEvent(appId, "release", `v${next} created: ${p.summary}`, next));
    if (after) await after(tx, next);
    // A refused rollout (one is in progress) rolls the whole transaction back: no orphan release.
    await deps.deployer.accept(tx, appId, next);
    return next;
  });
  deps.logger.info("release created", { app: appId, release: `v${version}` });
  await deps.deployer.deploy(appId, version);
  return version;
}

/** Applies a config change as a new release; 409 when it changes nothing. */
export async function releaseConfig(deps: ReleaseDeps, appId: string, actor: Actor, change: ConfigChange): Promise<number> {
  return releaseAndDeploy(deps, appId, actor, async (tx, live) => {
    const current = await findConfig(tx, live.config_id);
    const { next, changes } = applyConfigChange(current ? configDocument(current) : emptyConfig, change);
    if (changes.length === 0) {
      throw new BerthError("NOTHING_CHANGED", "the config already has these values; no release was made", {
        hint: "run `berth config` to see the current config",
      });
    }
    const config = configRow(appId, actor, next, new Date().toISOString());
    return { buildId: live.build_id, configId: config.id, config, summary: `${actor.username} ${changes.join(", ")}` };
  });
}

/** Records a build and releases it with the live config. */
export async function releaseBuild(
  deps: ReleaseDeps,
  appId: string,
  actor: Actor,
  build: NewBuild,
): Promise<{ version: number; buildId: string }> {
  const buildId = randomUUID();
  const version = await releaseAndDeploy(
    deps,
    appId,
    actor,
    async (_tx, live) => {
      const row: BuildRecord = {
        id: buildId,
        app_id: appId,
        owner_id: actor.id,
        image: build.image,
        sha: build.sha,
        procfile: build.procfile,
        kind: build.kind,
        log: build.log ?? "",
        duration_ms: build.durationMs ?? null,
        created: new Date().toISOString(),
      };
      const what = build.sha === "" ? build.image : build.sha.slice(0, 7);
      return { buildId, configId: live.config_id, build: row, summary: `${actor.username} deployed ${what}` };
    },
    async (tx) => {
      // The formation follows the Procfile: types that are gone are dropped; a first `web` gets 1.
      const app = await findApp(tx, appId);
      const before: Formation = app?.structure ?? {};
      const types = processTypes(build.procfile);
      const structure: Formation = {};
      for (const type of types) {
        const count = own(before, type);
        if (count !== undefined) structure[type] = count;
      }
      if (Object.keys(structure).length === 0 && types.includes("web")) structure.web = 1;
      await setAppStructure(tx, appId, structure);
    },
  );
  return { version, buildId };
}

/** Makes release N+1 from vK's build and config ("rolled back to vK"). */
export async function rollback(deps: ReleaseDeps, appId: string, actor: Actor, version?: number): Promise<number> {
  return releaseAndDeploy(deps, appId, actor, async (tx, live) => {
    const target = version === undefined ? await latestGoodRelease(tx, appId, live.version) : await findRelease(tx, appId, version);
    if (target === undefined) {
      throw version === undefined
        ? new BerthError("ROLLBACK_REFUSED", `there is no release before v${live.version} to roll back to`)
        : new BerthError("RELEASE_NOT_FOUND", `release v${version} of "${appId}" not found`, { hint: "run `berth releases` to see them" });
    }
    if (target.version === 1 || target.build_id === null) {
      throw new BerthError("ROLLBACK_REFUSED", `cannot roll back to v${target.version}: it has no build`, {
        hint: "roll back to a release that deployed code",
      });
    }
    if (target.state === "failed") {
      throw new BerthError("ROLLBACK_REFUSED", `cannot roll back to v${target.version}: that release failed`, {
        hint: "pick a release that deployed; `berth releases` shows their states",
      });
    }
    if (target.build_id === live.build_id && target.config_id === live.config_id) {
      throw new BerthError("NOTHING_CHANGED", `v${live.version} already runs v${target.version}'s build and config`);
    }
    return { buildId: target.build_id, configId: target.config_id, summary: `${actor.username} rolled back to v${target.version}` };
  });
}
