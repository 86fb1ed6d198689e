import type { RequestListener } from "node:http";
import type { RouterMetrics } from "./metrics.ts";
import type { RouteSource } from "./route-source.ts";

/**
 * The admin port: `/healthz` (liveness and which table is served), `/readyz` (a route table is there,
 * from the controller or the cache: before it, every app would be "not found") and `/metrics`.
 */
export function admin(routes: RouteSource, metrics: RouterMetrics, hostCount: () => number): RequestListener {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "text/plain", allow: "GET, HEAD" }).end("use GET\n");
      return;
    }
    if (path === "/healthz") {
      const table = routes.current();
      const body = JSON.stringify({
        status: "ok",
        routes: { version: table.version, apps: table.routes.length, hosts: hostCount(), controllerConnected: routes.connected() },
      });
      res.writeHead(200, { "content-type": "application/json" }).end(body);
      return;
    }
    if (path === "/readyz") {
      const version = routes.current().version;
      const ready = version > 0;
      const body = ready ? { status: "ok", version } : { status: "waiting for the first route table from the controller" };
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(body));
      return;
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics.render());
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end(`no admin page at ${path} — try /healthz, /readyz or /metrics\n`);
  };
}
