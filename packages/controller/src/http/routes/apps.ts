import type { CreateAppRequest, GrantPermRequest, TransferAppRequest } from "@berth/api";
import type { Router } from "@koa/router";
import { validateAppName, validateUsername } from "../../domain/names.ts";
import { asObject, onlyKeys, pageQuery } from "../../domain/validate.ts";
import { appView } from "../../domain/views.ts";
import {
  appsFor,
  collaborators,
  createApp,
  destroyApp,
  scaleApp,
  shareApp,
  transferApp,
  unshareApp,
} from "../../services/apps.ts";
import { actor, loadApp, requireUser } from "../access.ts";
import { readJson } from "../body.ts";
import type { RouteDeps, State } from "../context.ts";

/** A missing or null `id` asks for a random name. */
function validateCreateApp(value: unknown): CreateAppRequest {
  const body = asObject(value, "body");
  onlyKeys(body, ["id"], "");
  return body.id === undefined || body.id === null ? {} : { id: validateAppName(body.id) };
}

function validateTransferApp(value: unknown): TransferAppRequest {
  const body = asObject(value, "body");
  onlyKeys(body, ["owner"], "");
  return { owner: validateUsername(body.owner, "owner") };
}

function validateGrantPerm(value: unknown): GrantPermRequest {
  const body = asObject(value, "body");
  onlyKeys(body, ["username"], "");
  return { username: validateUsername(body.username) };
}

export function appRoutes(router: Router<State>, deps: RouteDeps): void {
  const view = (app: Parameters<typeof appView>[0]) => appView(app, deps.settings.appUrlTemplate);

  router.post("/v2/apps", async (ctx) => {
    const user = requireUser(ctx);
    const request = validateCreateApp(await readJson(ctx, deps.settings.bodyLimit));
    ctx.status = 201;
    ctx.body = view(await createApp(deps, actor(user), request.id));
  });

  router.get("/v2/apps", async (ctx) => {
    const user = requireUser(ctx);
    const { limit, offset } = pageQuery(ctx.query);
    const { count, rows } = await appsFor(deps.store.db, user, limit, offset);
    ctx.body = { count, results: rows.map(view) };
  });

  router.get("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = view(app);
  });

  // Transfer of ownership (Deis: POST /v2/apps/:id {owner}).
  router.post("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    const request = validateTransferApp(await readJson(ctx, deps.settings.bodyLimit));
    ctx.body = view(await transferApp(deps, app, request.owner));
  });

  router.delete("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    await destroyApp(deps, app);
    ctx.status = 204;
  });

  router.post("/v2/apps/:id/scale", async (ctx) => {
    const { app, user } = await loadApp(ctx, deps, "use");
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    ctx.body = view(await scaleApp(deps, app, actor(user), body));
  });

  router.get("/v2/apps/:id/perms", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = { users: await collaborators(deps.store.db, app) };
  });

  router.post("/v2/apps/:id/perms", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    const request = validateGrantPerm(await readJson(ctx, deps.settings.bodyLimit));
    ctx.status = 201;
    ctx.body = { users: await shareApp(deps, app, request.username) };
  });

  router.delete("/v2/apps/:id/perms/:username", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    await unshareApp(deps, app, ctx.params.username ?? "");
    ctx.status = 204;
  });
}
