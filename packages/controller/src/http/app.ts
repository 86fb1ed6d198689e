import { ROUTE_STREAM_HEARTBEAT_MS } from "@berth/api";
import { Router } from "@koa/router";
import Koa from "koa";
import { recordOnlyDeployer } from "../deployer.ts";
import { BerthError } from "../errors.ts";
import { ping } from "../store/migrations.ts";
import type { ControllerDeps, RouteDeps, State } from "./context.ts";
import { authenticate, errorsAndAccessLog, trimTrailingSlash } from "./middleware.ts";
import { appRoutes } from "./routes/apps.ts";
import { authRoutes } from "./routes/auth.ts";
import { hookRoutes } from "./routes/hooks.ts";
import { podRoutes } from "./routes/pods.ts";
import { logRoutes } from "./routes/logs.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { platformChannelRoutes } from "./routes/platform-channels.ts";
import { releaseRoutes } from "./routes/releases.ts";
import { routingRoutes } from "./routes/routing.ts";
import { defaultDeploySettings } from "../domain/deploy-settings.ts";
import { tokenRoutes } from "./routes/tokens.ts";
import { noUpstreams, RouteTableHub } from "../route-table/hub.ts";
import { TrafficHistory } from "../metrics/history.ts";
import { RouterBoard } from "../route-table/router-board.ts";
import { ReleaseHub } from "../services/release-hub.ts";

export interface Controller {
  /** The koa application; `app.callback()` is the request handler. */
  app: Koa<State>;
  /** What the routes were built with: the store, the deployer, the route hub and the settings with their defaults filled in. */
  deps: RouteDeps;
  /** Every route it answers, as `{method, path}` (`/v2/apps/:id`): for tests that must cover them all. */
  routes: readonly { method: string; path: string }[];
}

/** Builds the controller's HTTP application. Opens no port and starts nothing. */
export function createController(deps: ControllerDeps): Controller {
  const releaseHub = deps.releaseHub ?? new ReleaseHub();
  const routeDeps: RouteDeps = {
    store: deps.store,
    logger: deps.logger,
    deployer: deps.deployer ?? recordOnlyDeployer(deps.store, (app) => releaseHub.changed(app)),
    routeHub: deps.routeHub ?? new RouteTableHub(),
    releaseHub,
    upstreams: deps.upstreams ?? noUpstreams,
    routers: deps.routers ?? new RouterBoard(),
    traffic: deps.traffic ?? new TrafficHistory(deps.store.db, deps.logger),
    ...(deps.onAppDestroyed === undefined ? {} : { onAppDestroyed: deps.onAppDestroyed }),
    settings: {
      bodyLimit: 1024 * 1024,
      maxTokensPerUser: 20,
      routerKey: "",
      platformDomain: "localhost",
      trustedProxies: [],
      routeHeartbeatMs: ROUTE_STREAM_HEARTBEAT_MS,
      rollout: defaultDeploySettings,
      alerts: { tickMs: 15_000, allowPrivate: false },
      ...deps.settings,
    },
  };
  const app = new Koa<State>({ proxy: false });
  // Koa would print errors to stderr itself; ours are logged by the error middleware.
  app.silent = true;
  const router = new Router<State>();

  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  router.get("/readyz", async (ctx) => {
    try {
      await ping(deps.store.db);
    } catch (cause) {
      throw new BerthError("UNAVAILABLE", "the database does not answer", { cause });
    }
    ctx.body = { status: "ok" };
  });
  authRoutes(router, routeDeps);
  tokenRoutes(router, routeDeps);
  appRoutes(router, routeDeps);
  releaseRoutes(router, routeDeps);
  hookRoutes(router, routeDeps);
  routingRoutes(router, routeDeps);
  logRoutes(router, routeDeps);
  podRoutes(router, routeDeps);
  metricsRoutes(router, routeDeps);
  alertRoutes(router, routeDeps);
  platformChannelRoutes(router, routeDeps);

  app.use(errorsAndAccessLog(deps.logger));
  app.use(trimTrailingSlash);
  app.use(authenticate(routeDeps));
  app.use(router.routes());
  app.use(router.allowedMethods({ throw: true }));
  const routes = router.stack.flatMap((layer) =>
    layer.methods.filter((m) => m !== "HEAD").map((method) => ({ method, path: String(layer.path) })),
  );
  return { app, deps: routeDeps, routes };
}
