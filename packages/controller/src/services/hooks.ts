import type { Config, HookBuildFailedRequest, HookBuildRequest, PushAuthRequest, PushAuthResponse } from "@berth/api";
import { redactConfig } from "../domain/redact.ts";
import { appEvent } from "../rollout/app-events.ts";
import { insertEvent } from "../store/app-events.ts";
import { hashToken } from "../auth/secrets.ts";
import type { DeploySettings } from "../domain/deploy-settings.ts";
import { BerthError, appNotFound, userNotFound } from "../errors.ts";
import { findApp } from "../store/apps.ts";
import { type BuildWithOwner, findBuild, findRelease, type ReleaseWithOwner } from "../store/releases.ts";
import type { Executor } from "../store/schema.ts";
import { findSession, touchSession } from "../store/tokens.ts";
import { findUserByName } from "../store/users.ts";
import { mayAccess } from "./apps.ts";
import { type ReleaseDeps, liveConfig, releaseBuild } from "./releases.ts";

// What the builder asks about a git push. Access is the rule every route applies (`mayAccess` at
// `use`), for the user the builder names.

/**
 * Whether `user`, holding `token`, may push to `app`. A refusal is an answer, not an error: the
 * builder shows its reason to git.
 */
export async function authorizePush(db: Executor, request: PushAuthRequest): Promise<PushAuthResponse> {
  const { user: username, app: appId } = request;
  const session = await findSession(db, hashToken(request.token));
  const user = session?.user;
  // A token used only by git (a CI's) is in use too: it must not look idle and be revoked first.
  if (session !== undefined && user?.username === username) await touchSession(db, session);
  if (user === undefined || user.username !== username) {
    return { allowed: false, code: "INVALID_CREDENTIALS", reason: "wrong username or token; log in again with `berth login`" };
  }
  const app = await findApp(db, appId);
  if (app === undefined)
    return { allowed: false, code: "APP_NOT_FOUND", reason: `app "${appId}" not found; create it with \`berth create ${appId}\`` };
  if (!(await mayAccess(db, user, app, "use")))
    return { allowed: false, code: "FORBIDDEN", reason: `${username} has no access to app "${appId}"` };
  return { allowed: true, generation: app.created };
}

/** The live config of the app the builder builds, for its build-time environment. */
export async function configForBuild(db: Executor, appId: string, defaults: DeploySettings): Promise<Config> {
  if ((await findApp(db, appId)) === undefined) throw appNotFound(appId);
  return liveConfig(db, appId, defaults);
}

/**
 * Records a push whose build failed as a `build` event of the app (its log; `build-failed` alerts),
 * the reason masked of the app's config values, which build arguments may have echoed.
 */
export async function recordFailedBuild(db: Executor, request: HookBuildFailedRequest, defaults: DeploySettings): Promise<void> {
  const config = await configForBuild(db, request.app, defaults);
  const reason = redactConfig(request.reason.split("\n")[0] ?? "", config.values);
  await insertEvent(db, appEvent(request.app, "build", `build of ${request.sha.slice(0, 7)} pushed by ${request.user} failed: ${reason}`));
}

/** Records the build the builder made of `request.user`'s push and releases it; the pusher must still have access. */
export async function releasePushedBuild(
  deps: ReleaseDeps,
  request: HookBuildRequest,
): Promise<{ build: BuildWithOwner; release: ReleaseWithOwner }> {
  const { app: appId, user: username, ...build } = request;
  const db = deps.store.db;
  const app = await findApp(db, appId);
  if (app === undefined) throw appNotFound(appId);
  const user = await findUserByName(db, username);
  if (user === undefined) throw userNotFound(username);
  if (!(await mayAccess(db, user, app, "use"))) throw new BerthError("FORBIDDEN", `${username} has no access to app "${appId}"`);
  const { version, buildId } = await releaseBuild(deps, appId, { id: user.id, username }, build);
  const made = await findBuild(db, appId, buildId);
  const release = await findRelease(db, appId, version);
  if (!made || !release) throw new BerthError("INTERNAL", "the new build or release vanished");
  return { build: made, release };
}

/** Release `version` of the app, for the builder following the rollout its build started. */
export async function pushedRelease(db: Executor, appId: string, version: number): Promise<ReleaseWithOwner> {
  const release = await findRelease(db, appId, version);
  if (release === undefined) throw new BerthError("RELEASE_NOT_FOUND", `release v${version} of "${appId}" not found`);
  return release;
}
