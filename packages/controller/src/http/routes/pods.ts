import type { Page, Pod } from "@berth/api";
import type { Router } from "@koa/router";
import { validateProcessType } from "../../domain/procfile.ts";
import { loadApp } from "../access.ts";
import type { Ctx, RouteDeps, State } from "../context.ts";

export function podRoutes(router: Router<State>, deps: RouteDeps): void {
  const list = async (appId: string): Promise<Page<Pod>> => {
    const pods = await deps.deployer.pods(appId);
    return { count: pods.length, results: pods };
  };

  router.get("/v2/apps/:id/pods", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = await list(app.id);
  });

  const restart = async (ctx: Ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const type = ctx.params.type;
    if (type !== undefined) validateProcessType(type, "type");
    await deps.deployer.restart(app.id, type);
    deps.logger.info("app restarted", { app: app.id, type });
    ctx.body = await list(app.id);
  };
  router.post("/v2/apps/:id/pods/restart", restart);
  router.post("/v2/apps/:id/pods/restart/:type", restart);
}
