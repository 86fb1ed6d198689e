import type { RequestListener } from "node:http";
import type { RouterMetrics } from "./metrics.ts";
import type { RouteSource } from "./route-source.ts";

/** The admin port: `/healthz` (liveness and which table is served) and `/metrics` (Prometheus). */
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
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metrics.render());
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end(`no admin page at ${path} — try /healthz or /metrics\n`);
  };
}
