import type { CreateBuildRequest, RollbackRequest } from "@berth/api";
import type { Router } from "@koa/router";
import { validateConfigChange } from "../../domain/config.ts";
import { validateProcfile } from "../../domain/procfile.ts";
import { asObject, onlyKeys, optionalInteger, pageQuery, requiredString } from "../../domain/validate.ts";
import { buildDetailView, buildView, configView, releaseView } from "../../domain/views.ts";
import { BerthError, invalid } from "../../errors.ts";
import { liveConfig, releaseBuild, releaseConfig, rollback } from "../../services/releases.ts";
import { afterRevision, awaitReleaseStatus, waitSeconds } from "../../services/release-status.ts";
import { findBuild, findConfig, findRelease, listBuilds, listReleases } from "../../store/releases.ts";
import { actor, loadApp } from "../access.ts";
import { untilGone } from "../body.ts";
import { readJson } from "../body.ts";
import type { RouteDeps, State } from "../context.ts";

async function showRelease(deps: RouteDeps, appId: string, version: number) {
  const release = await findRelease(deps.store.db, appId, version);
  if (release === undefined) throw new BerthError("INTERNAL", `release v${version} vanished`);
  return releaseView(release);
}

/** A docker image reference: [registry[:port]/]name[:tag][@digest], lowercase path. */
const imageReference = /^([a-z0-9.-]+(:[0-9]+)?\/)?[a-z0-9]+([._/-][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;

/** An image to deploy as a build; its procfile is `{}` (the image's own command) when absent. */
function validateCreateBuild(value: unknown): Required<CreateBuildRequest> {
  const body = asObject(value, "body");
  onlyKeys(body, ["image", "procfile"], "");
  const image = requiredString(body, "image", 512);
  if (!imageReference.test(image)) throw invalid("image", `"${image}" is not an image reference`, "e.g. registry.example.com/team/web:1.4");
  return { image, procfile: validateProcfile(body.procfile) };
}

function validateRollback(value: unknown): RollbackRequest {
  const body = asObject(value, "body");
  onlyKeys(body, ["version"], "");
  const version = optionalInteger(body, "version", 1, 1_000_000_000);
  return version === undefined ? {} : { version };
}

export function releaseRoutes(router: Router<State>, deps: RouteDeps): void {
  router.get("/v2/apps/:id/config", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = await liveConfig(deps.store.db, app.id, deps.settings.rollout);
  });

  router.post("/v2/apps/:id/config", async (ctx) => {
    const { app, user } = await loadApp(ctx, deps, "use");
    const change = validateConfigChange(await readJson(ctx, deps.settings.bodyLimit));
    const version = await releaseConfig(deps, app.id, actor(user), change);
    ctx.status = 201;
    ctx.body = await configOfRelease(deps, app.id, version);
  });

  router.get("/v2/apps/:id/builds", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const { limit, offset } = pageQuery(ctx.query);
    const { count, rows } = await listBuilds(deps.store.db, app.id, limit, offset);
    ctx.body = { count, results: rows.map(buildView) };
  });

  router.get("/v2/apps/:id/builds/:uuid", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const build = await findBuild(deps.store.db, app.id, ctx.params.uuid ?? "");
    if (build === undefined) throw new BerthError("BUILD_NOT_FOUND", `build ${ctx.params.uuid} of "${app.id}" not found`, { hint: "`berth builds` lists them" });
    ctx.body = buildDetailView(build);
  });

  router.post("/v2/apps/:id/builds", async (ctx) => {
    const { app, user } = await loadApp(ctx, deps, "use");
    const { image, procfile } = validateCreateBuild(await readJson(ctx, deps.settings.bodyLimit));
    const { buildId } = await releaseBuild(deps, app.id, actor(user), { image, sha: "", procfile, kind: "image" });
    const build = await findBuild(deps.store.db, app.id, buildId);
    if (build === undefined) throw new BerthError("INTERNAL", "build vanished");
    ctx.status = 201;
    ctx.body = buildView(build);
  });

  router.get("/v2/apps/:id/releases", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const { limit, offset } = pageQuery(ctx.query);
    const { count, rows } = await listReleases(deps.store.db, app.id, limit, offset);
    ctx.body = { count, results: rows.map(releaseView) };
  });

  router.get("/v2/apps/:id/releases/:version", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const version = releaseVersion(ctx.params.version);
    const release = await findRelease(deps.store.db, app.id, version);
    if (release === undefined) {
      throw new BerthError("RELEASE_NOT_FOUND", `release v${version} of "${app.id}" not found`, { hint: "`berth releases` lists them" });
    }
    ctx.body = releaseView(release);
  });

  // A long-poll: held until the release differs from the revision the client saw, or `wait` passes.
  router.get("/v2/apps/:id/releases/:version/status", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const version = releaseVersion(ctx.params.version);
    const options = { after: afterRevision(ctx.query.after), waitSeconds: waitSeconds(ctx.query.wait), signal: untilGone(ctx) };
    ctx.body = await awaitReleaseStatus({ db: deps.store.db, hub: deps.releaseHub }, app.id, version, options);
  });

  router.post("/v2/apps/:id/releases/rollback", async (ctx) => {
    const { app, user } = await loadApp(ctx, deps, "use");
    const { version } = validateRollback(await readJson(ctx, deps.settings.bodyLimit));
    const made = await rollback(deps, app.id, actor(user), version);
    ctx.status = 201;
    ctx.body = await showRelease(deps, app.id, made);
  });
}

/** The version in a release path: `v3` or `3`. */
function releaseVersion(raw: string | undefined): number {
  const match = /^v?([1-9][0-9]{0,8})$/.exec(raw ?? "");
  if (!match?.[1]) throw invalid("version", `"${raw}" is not a release version`, "use v1, v2, …");
  return Number(match[1]);
}

/** The config a given release runs with (after a change: the one the change made). */
async function configOfRelease(deps: RouteDeps, appId: string, version: number) {
  const release = await findRelease(deps.store.db, appId, version);
  const config = release ? await findConfig(deps.store.db, release.config_id) : undefined;
  if (config === undefined) throw new BerthError("INTERNAL", `release v${version} of "${appId}" has no config`);
  return configView(config, appId, deps.settings.rollout);
}
