import type { Router } from "@koa/router";
import { validateUsername } from "../../domain/names.ts";
import { asObject, onlyKeys, pageQuery } from "../../domain/validate.ts";
import { appView } from "../../domain/views.ts";
import { createApp, destroyApp, scaleApp, shareApp, transferApp, unshareApp } from "../../services/apps.ts";
import { listApps, listCollaborators } from "../../store/apps.ts";
import { actor, loadApp, requireUser } from "../access.ts";
import { readJson } from "../body.ts";
import type { RouteDeps, State } from "../context.ts";

export function appRoutes(router: Router<State>, deps: RouteDeps): void {
  const view = (app: Parameters<typeof appView>[0]) => appView(app, deps.settings.appUrlTemplate);

  router.post("/v2/apps", async (ctx) => {
    const user = requireUser(ctx);
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["id"], "");
    ctx.status = 201;
    ctx.body = view(await createApp(deps, actor(user), body.id));
  });

  router.get("/v2/apps", async (ctx) => {
    const user = requireUser(ctx);
    const { limit, offset } = pageQuery(ctx.query);
    const { count, rows } = await listApps(deps.store.db, { id: user.id, isAdmin: user.is_admin === 1 }, limit, offset);
    ctx.body = { count, results: rows.map(view) };
  });

  router.get("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = view(app);
  });

  // Transfer of ownership (Deis: POST /v2/apps/:id {owner}).
  router.post("/v2/apps/:id", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["owner"], "");
    ctx.body = view(await transferApp(deps, app, validateUsername(body.owner, "owner")));
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
    ctx.body = { users: await listCollaborators(deps.store.db, app.id) };
  });

  router.post("/v2/apps/:id/perms", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["username"], "");
    ctx.status = 201;
    ctx.body = { users: await shareApp(deps, app, validateUsername(body.username)) };
  });

  router.delete("/v2/apps/:id/perms/:username", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "own");
    await unshareApp(deps, app, ctx.params.username ?? "");
    ctx.status = 204;
  });
}
