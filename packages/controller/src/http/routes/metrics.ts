import { ROUTER_METRICS_PATH } from "@berth/api";
import type { Router } from "@koa/router";
import { parseSince } from "../../metrics/period.ts";
import { validateMetricsReport } from "../../metrics/report.ts";
import { loadApp, requireRouter } from "../access.ts";
import { readJson } from "../body.ts";
import type { RouteDeps, State } from "../context.ts";

export function metricsRoutes(router: Router<State>, deps: RouteDeps): void {
  router.post(ROUTER_METRICS_PATH, async (ctx) => {
    requireRouter(ctx, deps.settings.routerKey);
    await deps.traffic.record(validateMetricsReport(await readJson(ctx, deps.settings.bodyLimit)));
    ctx.status = 204;
  });

  router.get("/v2/apps/:id/metrics", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const period = parseSince(ctx.query.since);
    ctx.set("Cache-Control", "no-store");
    // Memory is now, as the engine measures it; a scheduler that cannot say leaves it out.
    const memory = await deps.deployer.memory?.(app.id).catch((err: unknown) => {
      deps.logger.warn("could not read the app's memory use", { app: app.id, err });
      return undefined;
    });
    ctx.body = await deps.traffic.appMetrics(app.id, Object.keys(app.structure), period, memory);
  });
}
