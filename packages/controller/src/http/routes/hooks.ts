import { timingSafeEqual } from "node:crypto";
import {
  BUILDER_KEY_HEADER,
  type BuildKind,
  type HookBuildFailedRequest,
  type HookBuildRequest,
  type HookBuildResponse,
  type HookConfigRequest,
  type HookReleaseRequest,
  type HookReleaseStatusRequest,
  type PushAuthRequest,
} from "@berth/api";
import type { Middleware } from "koa";
import type { Router } from "@koa/router";
import { validateAppName } from "../../domain/names.ts";
import { validateProcfile } from "../../domain/procfile.ts";
import { asObject, onlyKeys, optionalInteger, optionalString, requiredString } from "../../domain/validate.ts";
import { buildView, releaseView } from "../../domain/views.ts";
import { BerthError, invalid } from "../../errors.ts";
import { authorizePush, configForBuild, pushedRelease, recordFailedBuild, releasePushedBuild } from "../../services/hooks.ts";
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

function validatePushAuth(value: unknown): PushAuthRequest {
  const body = asObject(value, "body");
  return { user: requiredString(body, "user", 64), token: requiredString(body, "token", 256), app: requiredString(body, "app", 63) };
}

function validateHookConfig(value: unknown): HookConfigRequest {
  return { app: requiredString(asObject(value, "body"), "app", 63) };
}

function validateHookBuildFailed(value: unknown): HookBuildFailedRequest {
  const body = asObject(value, "body");
  onlyKeys(body, ["app", "user", "sha", "reason"], "");
  const sha = requiredString(body, "sha", 64);
  if (!/^[0-9a-f]{7,64}$/.test(sha)) throw invalid("sha", "must be a git commit id");
  return {
    app: validateAppName(body.app, "app"),
    user: requiredString(body, "user", 64),
    sha,
    reason: requiredString(body, "reason", 4000),
  };
}

function validateHookBuild(value: unknown): HookBuildRequest {
  const body = asObject(value, "body");
  const app = validateAppName(body.app, "app");
  const user = requiredString(body, "user", 64);
  const sha = requiredString(body, "sha", 64);
  if (!/^[0-9a-f]{7,64}$/.test(sha)) throw invalid("sha", "must be a git commit id");
  const image = requiredString(body, "image", 512);
  const kind = requiredString(body, "kind", 16) as BuildKind;
  if (!kinds.includes(kind)) throw invalid("kind", `must be one of ${kinds.join(", ")}`);
  const procfile = validateProcfile(body.procfile);
  const log = optionalString(body, "log", 8 * 1024 * 1024);
  const durationMs = optionalInteger(body, "durationMs", 0, 24 * 3600 * 1000);
  return {
    app,
    user,
    sha,
    image,
    procfile,
    kind,
    ...(log === undefined ? {} : { log }),
    ...(durationMs === undefined ? {} : { durationMs }),
  };
}

function validateHookRelease(value: unknown): HookReleaseRequest {
  const body = asObject(value, "body");
  const app = validateAppName(body.app, "app");
  const version = optionalInteger(body, "version", 1, 1_000_000_000);
  if (version === undefined) throw invalid("version", "is required");
  return { app, version };
}

/** `wait` is filled in with its default. */
function validateHookReleaseStatus(value: unknown): HookReleaseStatusRequest & { wait: number } {
  const body = asObject(value, "body");
  onlyKeys(body, ["app", "version", "after", "wait"], "");
  const app = validateAppName(body.app, "app");
  const version = optionalInteger(body, "version", 1, 1_000_000_000);
  if (version === undefined) throw invalid("version", "is required", "the version of the release the build made");
  const after = afterRevision(body.after);
  const wait = waitSeconds(body.wait);
  return { app, version, wait, ...(after === undefined ? {} : { after }) };
}

export function hookRoutes(router: Router<State>, deps: RouteDeps): void {
  const guard = builderOnly(deps.settings.builderKey);

  router.post("/v2/hooks/push-auth", guard, async (ctx) => {
    ctx.body = await authorizePush(deps.store.db, validatePushAuth(await readJson(ctx, deps.settings.bodyLimit)));
  });

  router.post("/v2/hooks/config", guard, async (ctx) => {
    const { app } = validateHookConfig(await readJson(ctx, deps.settings.bodyLimit));
    ctx.body = await configForBuild(deps.store.db, app, deps.settings.rollout);
  });

  router.post("/v2/hooks/build", guard, async (ctx) => {
    const request = validateHookBuild(await readJson(ctx, 16 * 1024 * 1024));
    const { build, release } = await releasePushedBuild(deps, request);
    const response: HookBuildResponse = {
      build: buildView(build),
      release: releaseView(release),
      url: deps.settings.appUrlTemplate.replaceAll("{app}", request.app),
    };
    ctx.status = 201;
    ctx.body = response;
  });

  router.post("/v2/hooks/build-failed", guard, async (ctx) => {
    await recordFailedBuild(deps.store.db, validateHookBuildFailed(await readJson(ctx, deps.settings.bodyLimit)), deps.settings.rollout);
    ctx.status = 204;
  });

  router.post("/v2/hooks/release", guard, async (ctx) => {
    const { app, version } = validateHookRelease(await readJson(ctx, deps.settings.bodyLimit));
    ctx.body = releaseView(await pushedRelease(deps.store.db, app, version));
  });

  // As `GET /v2/apps/:id/releases/:version/status`, for the builder following the rollout a push started.
  router.post("/v2/hooks/release-status", guard, async (ctx) => {
    const { app, version, after, wait } = validateHookReleaseStatus(await readJson(ctx, deps.settings.bodyLimit));
    const options = { after, waitSeconds: wait, signal: untilGone(ctx) };
    ctx.body = await awaitReleaseStatus({ db: deps.store.db, hub: deps.releaseHub }, app, version, options);
  });
}
