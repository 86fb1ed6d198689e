import type { Formation } from "@berth/api";
import type { Deployer } from "../deployer.ts";
import { randomAppName } from "../domain/names.ts";
import { validateProcessType } from "../domain/procfile.ts";
import { BerthError, appNotFound, invalid, userNotFound } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { appEvent } from "../rollout/app-events.ts";
import type { RouteTableHub } from "../route-table/hub.ts";
import {
  type AppWithOwner,
  deleteApp,
  findApp,
  grantPerm,
  isCollaborator,
  listApps,
  listCollaborators,
  revokePerm,
  setAppOwner,
  setAppStructure,
} from "../store/apps.ts";
import { insertEvent } from "../store/app-events.ts";
import type { Store } from "../store/open.ts";
import { findBuild, latestGoodRelease } from "../store/releases.ts";
import type { Executor, UserRow } from "../store/schema.ts";
import { findUserByName } from "../store/users.ts";
import { type Actor, createAppWithRelease, processTypes } from "./releases.ts";

export interface AppDeps {
  store: Store;
  deployer: Deployer;
  logger: Logger;
  routeHub: RouteTableHub;
  /** Told after an app is destroyed, to remove what other services keep for it (its git repository). */
  onAppDestroyed?: (app: string) => Promise<void>;
}

/**
 * Who may do what to an app: `use` is the owner, collaborators and admins (everything but delete,
 * transfer and sharing); `own` is the owner and admins. The one rule every route and hook applies.
 */
export type AppAccess = "use" | "own";

/** Whether `user` may act on `app` at `access`. */
export async function mayAccess(db: Executor, user: UserRow, app: AppWithOwner, access: AppAccess): Promise<boolean> {
  if (user.is_admin === 1 || app.owner_id === user.id) return true;
  return access === "use" && isCollaborator(db, app.id, user.id);
}

/** The app `id` for `user`, or 404; 403 when they may not act on it at `access`. */
export async function appFor(db: Executor, user: UserRow, id: string, access: AppAccess): Promise<AppWithOwner> {
  const app = await findApp(db, id);
  if (app === undefined) throw appNotFound(id);
  if (await mayAccess(db, user, app, access)) return app;
  if (access === "own") {
    throw new BerthError("FORBIDDEN", `only the owner of "${id}" or an administrator may do this`);
  }
  throw new BerthError("FORBIDDEN", `you do not have access to app "${id}"`, {
    hint: "ask its owner to share it with you (`berth perms:create <you> -a <app>`)",
  });
}

/** One page of the apps `user` may use: all of them for an admin, else the ones they own or share. */
export function appsFor(db: Executor, user: UserRow, limit: number, offset: number): Promise<{ count: number; rows: AppWithOwner[] }> {
  return listApps(db, { id: user.id, isAdmin: user.is_admin === 1 }, limit, offset);
}

/** The usernames the app is shared with. */
export function collaborators(db: Executor, app: AppWithOwner): Promise<string[]> {
  return listCollaborators(db, app.id);
}

/** The app, as it is now (after a change). */
export async function currentApp(db: Executor, id: string): Promise<AppWithOwner> {
  const app = await findApp(db, id);
  if (app === undefined) throw new BerthError("INTERNAL", `app "${id}" vanished`);
  return app;
}

/**
 * Creates an app (a random name when none is given) with release v1, and what the scheduler needs
 * for it; an app the scheduler cannot host is not kept. `name` is a valid app name (`validateAppName`).
 */
export async function createApp(deps: AppDeps, owner: Actor, name: string | undefined): Promise<AppWithOwner> {
  let id: string;
  if (name === undefined) {
    id = randomAppName();
    while (await findApp(deps.store.db, id)) id = randomAppName();
  } else {
    id = name;
  }
  await createAppWithRelease(deps, id, owner);
  try {
    await deps.deployer.createApp?.(id);
  } catch (error) {
    await deps.store.db.transaction().execute((tx) => deleteApp(tx, id));
    throw error;
  }
  deps.logger.info("app created", { app: id, owner: owner.username });
  deps.routeHub.changed();
  return currentApp(deps.store.db, id);
}

/** Gives the app to another user (Deis: `POST /v2/apps/:id {owner}`). */
export async function transferApp(deps: AppDeps, app: AppWithOwner, ownerName: string): Promise<AppWithOwner> {
  const owner = await findUserByName(deps.store.db, ownerName);
  if (owner === undefined) throw userNotFound(ownerName);
  await setAppOwner(deps.store.db, app.id, owner.id);
  deps.logger.info("app transferred", { app: app.id, owner: ownerName });
  return currentApp(deps.store.db, app.id);
}

/** Stops everything the app runs, then forgets it and what other services keep for it. */
export async function destroyApp(deps: AppDeps, app: AppWithOwner): Promise<void> {
  await deps.deployer.destroy(app.id);
  await deps.store.db.transaction().execute((tx) => deleteApp(tx, app.id));
  deps.logger.info("app destroyed", { app: app.id });
  await deps
    .onAppDestroyed?.(app.id)
    .catch((err: unknown) => deps.logger.warn("leftovers of a destroyed app were not removed", { app: app.id, err }));
  deps.routeHub.changed();
}

/**
 * Sets replica counts (`{web: 2}`) of types in the live build. The formation is stored first: a
 * rollout in progress reads the counts it rolls out to from the store.
 */
export async function scaleApp(deps: AppDeps, app: AppWithOwner, actor: Actor, counts: Record<string, unknown>): Promise<AppWithOwner> {
  const entries = Object.entries(counts);
  if (entries.length === 0) throw invalid("body", "name at least one process type", 'e.g. {"web": 2}');
  const live = await latestGoodRelease(deps.store.db, app.id);
  const build = live?.build_id ? await findBuild(deps.store.db, app.id, live.build_id) : undefined;
  if (build === undefined) {
    throw new BerthError("NO_BUILD", `app "${app.id}" has no build to scale yet`, { hint: "deploy code first with `git push berth main`" });
  }
  const types = processTypes(build.procfile);
  const formation: Formation = { ...app.structure };
  for (const [type, count] of entries) {
    validateProcessType(type, type);
    if (!types.includes(type)) {
      throw new BerthError("UNKNOWN_PROCESS_TYPE", `process type "${type}" is not in the current build`, {
        field: type,
        hint: `the build's types are: ${types.join(", ")}`,
      });
    }
    if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 100) throw invalid(type, "must be an integer from 0 to 100");
    formation[type] = count;
  }
  await setAppStructure(deps.store.db, app.id, formation);
  await deps.deployer.scale(app.id, formation);
  deps.logger.info("app scaled", { app: app.id, formation });
  const said = entries.map(([type, count]) => `${type}=${String(count)}`).join(" ");
  await insertEvent(deps.store.db, appEvent(app.id, "scale", `${actor.username} scaled ${said}`));
  return currentApp(deps.store.db, app.id);
}

/** Shares the app with a user; answers its collaborators. */
export async function shareApp(deps: AppDeps, app: AppWithOwner, username: string): Promise<string[]> {
  const user = await findUserByName(deps.store.db, username);
  if (user === undefined) throw userNotFound(username);
  if (user.id === app.owner_id) throw new BerthError("CONFLICT", `${username} owns "${app.id}" already`);
  if (await isCollaborator(deps.store.db, app.id, user.id)) {
    throw new BerthError("CONFLICT", `${username} is already a collaborator on "${app.id}"`);
  }
  await grantPerm(deps.store.db, app.id, user.id);
  return listCollaborators(deps.store.db, app.id);
}

/** Stops sharing the app with a user. */
export async function unshareApp(deps: AppDeps, app: AppWithOwner, username: string): Promise<void> {
  const user = await findUserByName(deps.store.db, username);
  if (user === undefined || (await revokePerm(deps.store.db, app.id, user.id)) === 0) {
    throw new BerthError("NOT_FOUND", `${username} is not a collaborator on "${app.id}"`, { hint: "`berth perms` lists them" });
  }
}
