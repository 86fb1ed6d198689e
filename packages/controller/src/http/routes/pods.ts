import type { Page, Pod } from "@berth/api";
import type { Router } from "@koa/router";
import { validateProcessType } from "../../domain/procfile.ts";
import { asObject } from "../../domain/validate.ts";
import { invalid } from "../../errors.ts";
import { loadApp } from "../access.ts";
import { readJson } from "../body.ts";
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
    // Nothing to say but "restart": anything beyond no body or {} is a mistake, refused before it acts.
    const [field] = Object.keys(asObject(await readJson(ctx, deps.settings.bodyLimit), "body"));
    if (field !== undefined) {
      throw invalid(field, "is not a known field", "a restart takes no body or {}; name a process type in the path: …/pods/restart/web");
    }
    const type = ctx.params.type;
    if (type !== undefined) validateProcessType(type, "type");
    await deps.deployer.restart(app.id, type);
    deps.logger.info("app restarted", { app: app.id, type });
    ctx.body = await list(app.id);
  };
  router.post("/v2/apps/:id/pods/restart", restart);
  router.post("/v2/apps/:id/pods/restart/:type", restart);
}
