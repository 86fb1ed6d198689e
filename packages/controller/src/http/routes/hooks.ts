import { timingSafeEqual } from "node:crypto";
import { BUILDER_KEY_HEADER, type BuildKind, type HookBuildResponse, type PushAuthResponse } from "@berth/api";
import type { Middleware } from "koa";
import type { Router } from "@koa/router";
import { hashToken } from "../../auth/secrets.ts";
import { validateAppName } from "../../domain/names.ts";
import { validateProcfile } from "../../domain/procfile.ts";
import { asObject, onlyKeys, optionalInteger, optionalString, requiredString } from "../../domain/validate.ts";
import { buildView, releaseView } from "../../domain/views.ts";
import { BerthError, appNotFound, invalid, userNotFound } from "../../errors.ts";
import { findApp } from "../../store/apps.ts";
import { findBuild, findRelease } from "../../store/releases.ts";
import { findSession, touchSession } from "../../store/tokens.ts";
import { findUserByName } from "../../store/users.ts";
import { mayAccess } from "../../services/apps.ts";
import { liveConfig, releaseBuild } from "../../services/releases.ts";
import { readJson, untilGone } from "../body.ts";
import { afterRevision, awaitReleaseStatus, waitSeconds } from "../../services/release-status.ts";
import type { RouteDeps, State } from "../context.ts";

const kinds: readonly BuildKind[] = ["dockerfile", "buildpack", "image"];

/** Only the builder, holding the shared secret, may call the hooks. */
function builderOnly(key: string): Middleware<State> {
  const expected = Buffer.from(key);
  return async (ctx, next) => {
    const given = Buffer.from(ctx.get(BUILDER_KEY_HEADER));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new BerthError("UNAUTHENTICATED", "builder hooks need the builder key (X-Berth-Builder-Key)", {
        hint: "give the builder and the controller the same BERTH_BUILDER_KEY",
      });
    }
    await next();
  };
}

export function hookRoutes(router: Router<State>, deps: RouteDeps): void {
  const guard = builderOnly(deps.settings.builderKey);

  router.post("/v2/hooks/push-auth", guard, async (ctx) => {
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    const username = requiredString(body, "user", 64);
    const token = requiredString(body, "token", 256);
    const appId = requiredString(body, "app", 63);
    const session = await findSession(deps.store.db, hashToken(token));
    const user = session?.user;
    // A token used only by git (a CI's) is in use too: it must not look idle and be revoked first.
    if (session !== undefined && user?.username === username) await touchSession(deps.store.db, session);
    let answer: PushAuthResponse;
    if (user === undefined || user.username !== username) {
      answer = { allowed: false, code: "INVALID_CREDENTIALS", reason: "wrong username or token; log in again with `berth login`" };
    } else {
      const app = await findApp(deps.store.db, appId);
      if (app === undefined) answer = { allowed: false, code: "APP_NOT_FOUND", reason: `app "${appId}" not found; create it with \`berth create ${appId}\`` };
      else if (!(await mayAccess(deps.store.db, user, app, "use"))) answer = { allowed: false, code: "FORBIDDEN", reason: `${username} has no access to app "${appId}"` };
      else answer = { allowed: true, generation: app.created };
    }
    ctx.body = answer;
  });

  router.post("/v2/hooks/config", guard, async (ctx) => {
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    const appId = requiredString(body, "app", 63);
    if ((await findApp(deps.store.db, appId)) === undefined) throw appNotFound(appId);
    ctx.body = await liveConfig(deps.store.db, appId, deps.settings.rollout);
  });

  router.post("/v2/hooks/build", guard, async (ctx) => {
    const body = asObject(await readJson(ctx, 16 * 1024 * 1024), "body");
    const appId = validateAppName(body.app, "app");
    const username = requiredString(body, "user", 64);
    const sha = requiredString(body, "sha", 64);
    if (!/^[0-9a-f]{7,64}$/.test(sha)) throw invalid("sha", "must be a git commit id");
    const image = requiredString(body, "image", 512);
    const kind = requiredString(body, "kind", 16) as BuildKind;
    if (!kinds.includes(kind)) throw invalid("kind", `must be one of ${kinds.join(", ")}`);
    const procfile = validateProcfile(body.procfile);
    const log = optionalString(body, "log", 8 * 1024 * 1024);
    const durationMs = optionalInteger(body, "durationMs", 0, 24 * 3600 * 1000);
    const app = await findApp(deps.store.db, appId);
    if (app === undefined) throw appNotFound(appId);
    const user = await findUserByName(deps.store.db, username);
    if (user === undefined) throw userNotFound(username);
    if (!(await mayAccess(deps.store.db, user, app, "use"))) throw new BerthError("FORBIDDEN", `${username} has no access to app "${appId}"`);
    const { version, buildId } = await releaseBuild(deps, appId, { id: user.id, username }, {
      image, sha, procfile, kind,
      ...(log === undefined ? {} : { log }),
      ...(durationMs === undefined ? {} : { durationMs }),
    });
    const build = await findBuild(deps.store.db, appId, buildId);
    const release = await findRelease(deps.store.db, appId, version);
    if (!build || !release) throw new BerthError("INTERNAL", "the new build or release vanished");
    const response: HookBuildResponse = {
      build: buildView(build),
      release: releaseView(release),
      url: deps.settings.appUrlTemplate.replaceAll("{app}", appId),
    };
    ctx.status = 201;
    ctx.body = response;
  });

  router.post("/v2/hooks/release", guard, async (ctx) => {
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    const appId = validateAppName(body.app, "app");
    const version = optionalInteger(body, "version", 1, 1_000_000_000);
    if (version === undefined) throw invalid("version", "is required");
    const release = await findRelease(deps.store.db, appId, version);
    if (release === undefined) throw new BerthError("RELEASE_NOT_FOUND", `release v${version} of "${appId}" not found`);
    ctx.body = releaseView(release);
  });

  // As `GET /v2/apps/:id/releases/:version/status`, for the builder following the rollout a push started.
  router.post("/v2/hooks/release-status", guard, async (ctx) => {
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["app", "version", "after", "wait"], "");
    const appId = validateAppName(body.app, "app");
    const version = optionalInteger(body, "version", 1, 1_000_000_000);
    if (version === undefined) throw invalid("version", "is required", "the version of the release the build made");
    const options = { after: afterRevision(body.after), waitSeconds: waitSeconds(body.wait), signal: untilGone(ctx) };
    ctx.body = await awaitReleaseStatus({ db: deps.store.db, hub: deps.releaseHub }, appId, version, options);
  });
}
