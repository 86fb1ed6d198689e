import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AppRoute,
  ROUTE_TABLE_PATH,
  ROUTER_KEY_HEADER,
  ROUTER_METRICS_PATH,
  ROUTER_STATUS_PATH,
  type RouterMetricsReport,
  type RouterStatus,
  type RouteTable,
} from "@berth/api";

/**
 * The controller's side of `GET /v2/routes`, exactly as the contract's doc comment says: authenticated
 * with X-Berth-Router-Key; `watch=1` streams NDJSON full tables (the current one first, then one per
 * change); `since=<v>` holds the first line until the version is greater than `v`; no `watch` → one table.
 * It sends no heartbeats (a test that wants them writes them with `heartbeat()`), and keeps every
 * router status report (`POST /v2/routes/status`) in `statuses`, and every metrics report
 * (`POST /v2/routes/metrics`) it accepted in `metrics` — while `refuseMetrics` is set it answers those 503.
 */
export class ControllerStub {
  readonly key: string;
  table: RouteTable = { version: 0, routes: [] };
  /** Every `since` the router sent, in order (undefined when absent). */
  readonly sinces: (number | undefined)[] = [];
  /** Every status report routers sent, in order. */
  readonly statuses: RouterStatus[] = [];
  readonly metrics: RouterMetricsReport[] = [];
  refuseMetrics = false;
  #server: Server | undefined;
  #watchers = new Set<{ res: ServerResponse; since: number }>();
  #port = 0;

  constructor(key = "router-secret") {
    this.key = key;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://stub");
      const paths = [ROUTE_TABLE_PATH, ROUTER_STATUS_PATH, ROUTER_METRICS_PATH];
      if (!paths.includes(url.pathname)) return void res.writeHead(404).end();
      if (req.headers[ROUTER_KEY_HEADER] !== this.key) {
        res.writeHead(401, { "content-type": "application/json" });
        return void res.end('{"error":{"code":"UNAUTHENTICATED","message":"bad router key"}}');
      }
      if (url.pathname === ROUTER_STATUS_PATH || url.pathname === ROUTER_METRICS_PATH) {
        let body = "";
        req.on("data", (chunk: Buffer) => (body += chunk.toString()));
        req.on("end", () => {
          if (url.pathname === ROUTER_STATUS_PATH) this.statuses.push(JSON.parse(body) as RouterStatus);
          else if (this.refuseMetrics) return void res.writeHead(503).end();
          else this.metrics.push(JSON.parse(body) as RouterMetricsReport);
          res.writeHead(204).end();
        });
        return;
      }
      const since = url.searchParams.has("since") ? Number(url.searchParams.get("since")) : undefined;
      this.sinces.push(since);
      if (url.searchParams.get("watch") !== "1") return void res.writeHead(200).end(JSON.stringify(this.table));
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      // As the controller does: a resumed watch may have nothing to send for a while, the 200 goes at once.
      res.flushHeaders();
      const watcher = { res, since: since ?? -1 };
      this.#watchers.add(watcher);
      res.on("close", () => this.#watchers.delete(watcher));
      this.#send(watcher);
    });
    await new Promise<void>((resolve) => server.listen(this.#port, "127.0.0.1", resolve));
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    return this;
  }

  #send(watcher: { res: ServerResponse; since: number }) {
    if (this.table.version > watcher.since) {
      watcher.since = this.table.version;
      watcher.res.write(`${JSON.stringify(this.table)}\n`);
    }
  }

  /** Replaces the routes with a new version and pushes it to every watcher. */
  publish(routes: AppRoute[]): RouteTable {
    this.table = { version: this.table.version + 1, routes };
    for (const watcher of this.#watchers) this.#send(watcher);
    return this.table;
  }

  /** An empty line on every open stream, as the controller sends while nothing changes. */
  heartbeat(): void {
    for (const watcher of this.#watchers) watcher.res.write("\n");
  }

  /** Cuts every open stream (the port still answers: routers reconnect). */
  cut(): void {
    for (const watcher of this.#watchers) watcher.res.destroy();
  }

  /** How many streams are open now. */
  get watching(): number {
    return this.#watchers.size;
  }

  /** Goes down hard: open streams are cut, the port stops answering. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const w of this.#watchers) w.res.destroy();
    this.#watchers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A route with the defaults the controller would give; override what a test is about. */
export function route(app: string, overrides: Partial<AppRoute> = {}): AppRoute {
  return {
    app,
    hosts: [`${app}.test.local`],
    upstreams: [],
    draining: [],
    maintenance: false,
    routable: true,
    allowlist: [],
    trustedProxies: [],
    connectTimeoutMs: 2000,
    readTimeoutMs: 5000,
    ...overrides,
  };
}
