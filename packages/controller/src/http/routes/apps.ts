import type { Formation } from "@berth/api";
import type { Router } from "@koa/router";
import { validateProcessType } from "../../domain/procfile.ts";
import { randomAppName, validateAppName, validateUsername } from "../../domain/names.ts";
import { asObject, onlyKeys, pageQuery } from "../../domain/validate.ts";
import { appView } from "../../domain/views.ts";
import { BerthError, invalid, userNotFound } from "../../errors.ts";
import {
  deleteApp,
  findApp,
  grantPerm,
  isCollaborator,
  listApps,
  listCollaborators,
  revokePerm,
  setAppOwner,
  setAppStructure,
} from "../../store/apps.ts";
import { findBuild, latestGoodRelease } from "../../store/releases.ts";
import { findUserByName } from "../../store/users.ts";
import { appEvent } from "../../rollout/events.ts";
import { insertEvent } from "../../store/events.ts";
import { createAppWithRelease, processTypes } from "../../services/releases.ts";
import { actor, loadApp, requireUser } from "../access.ts";
import { readJson } from "../body.ts";
import type { Ctx, RouteDeps, State } from "../context.ts";

async function show(ctx: Ctx, deps: RouteDeps, id: string) {
  const app = await findApp(deps.store.db, id);
  if (app === undefined) throw new BerthError("INTERNAL", `app "${id}" vanished`);
  ctx.body = appView(app, deps.settings.appUrlTemplate);
}

export function appRoutes(router: Router<State>, deps: RouteDeps): void {
  router.post("/v2/apps", async (ctx) => {
    const user = requireUser(ctx);
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["id"], "");
    let id: string;
    if (body.id === undefined || body.id === null) {
      id = randomAppName();
      while (await findApp(deps.store.db, id)) id = randomAppName();
    } else {
      id = validateAppName(body.id);
    }
    await createAppWithRelease(deps, id, actor(user));
    try {
      await deps.deployer.createApp?.(id);
    } catch (error) {
      // An app the scheduler cannot host is not kept: nothing half-made is left behind.
      await deps.store.db.transaction().execute((tx) => deleteApp(tx, id));
      throw error;
    }
    deps.logger.info("app created", { app: id, owner: user.username });
    deps.routeHub.changed();
    ctx.status = 201;
    await show(ctx, deps, id);
  });

  router.get("/v2/apps", async (ctx) => {
    const user = requireUser(ctx);
    const { limit, offset } = pageQuery(ctx.query);
    const { count, rows } = await listApps(deps.store.db, { id: user.id, isAdmin: user.is_admin === 1 }, limit, offset);
    ctx.body = { count, results: rows.map((row) => appView(row, deps.settings.appUrlTemplate)) };
  });

  router.get("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = appView(app, deps.settings.appUrlTemplate);
  });

  // Transfer of ownership (Deis: POST /v2/apps/:id {owner}).
  router.post("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["owner"], "");
    const name = validateUsername(body.owner, "owner");
    const owner = await findUserByName(deps.store.db, name);
    if (owner === undefined) throw userNotFound(name);
    await setAppOwner(deps.store.db, app.id, owner.id);
    deps.logger.info("app transferred", { app: app.id, owner: name });
    await show(ctx, deps, app.id);
  });

  router.delete("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    await deps.deployer.destroy(app.id);
    await deps.store.db.transaction().execute((tx) => deleteApp(tx, app.id));
    deps.logger.info("app destroyed", { app: app.id });
    await deps
      .onAppDestroyed?.(app.id)
      .catch((err: unknown) => deps.logger.warn("leftovers of a destroyed app were not removed", { app: app.id, err }));
    deps.routeHub.changed();
    ctx.status = 204;
  });

  router.post("/v2/apps/:id/scale", async (ctx) => {
    const { app, user } = await loadApp(ctx, deps, "use");
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    const entries = Object.entries(body);
    if (entries.length === 0) throw invalid("body", "name at least one process type", 'e.g. {"web": 2}');
    const live = await latestGoodRelease(deps.store.db, app.id);
    const build = live?.build_id ? await findBuild(deps.store.db, app.id, live.build_id) : undefined;
    if (build === undefined) {
      throw new BerthError("NO_BUILD", `app "${app.id}" has no build to scale yet`, {
        hint: "deploy code first with `git push berth main`",
      });
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
      if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 100) {
        throw invalid(type, "must be an integer from 0 to 100");
      }
      formation[type] = count;
    }
    // Stored first: a rollout in progress reads the formation it rolls out to from the store.
    await setAppStructure(deps.store.db, app.id, formation);
    await deps.deployer.scale(app.id, formation);
    deps.logger.info("app scaled", { app: app.id, formation });
    const counts = entries.map(([type, count]) => `${type}=${String(count)}`).join(" ");
    await insertEvent(deps.store.db, appEvent(app.id, "scale", `${user.username} scaled ${counts}`));
    await show(ctx, deps, app.id);
  });

  router.get("/v2/apps/:id/perms", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = { users: await listCollaborators(deps.store.db, app.id) };
  });

  router.post("/v2/apps/:id/perms", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["username"], "");
    const name = validateUsername(body.username);
    const user = await findUserByName(deps.store.db, name);
    if (user === undefined) throw userNotFound(name);
    if (user.id === app.owner_id) throw new BerthError("CONFLICT", `${name} owns "${app.id}" already`);
    if (await isCollaborator(deps.store.db, app.id, user.id)) {
      throw new BerthError("CONFLICT", `${name} is already a collaborator on "${app.id}"`);
    }
    await grantPerm(deps.store.db, app.id, user.id);
    ctx.status = 201;
    ctx.body = { users: await listCollaborators(deps.store.db, app.id) };
  });

  router.delete("/v2/apps/:id/perms/:username", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    const name = ctx.params.username ?? "";
    const user = await findUserByName(deps.store.db, name);
    if (user === undefined || (await revokePerm(deps.store.db, app.id, user.id)) === 0) {
      throw new BerthError("NOT_FOUND", `${name} is not a collaborator on "${app.id}"`, { hint: "`berth perms` lists them" });
    }
    ctx.status = 204;
  });
}
