import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Duplex } from "node:stream";
import { admin } from "./admin.ts";
import { Admission, refuse } from "./admission.ts";
import { normalizeAddress } from "./cidr.ts";
import { type AppTarget, compileHostMap, type HostMap, normalizeHost } from "./host-map.ts";
import type { AccessLogSink, RouterLogger } from "./logger.ts";
import { RouterMetrics } from "./metrics.ts";
import type { ClientConnection } from "./inbound/client-connection.ts";
import type { SimpleRequest } from "./inbound/request-head.ts";
import { Exchange, pick } from "./proxy.ts";
import { type ScannedRequest, scanRequestHeaders } from "./request-headers.ts";
import { sendPage } from "./respond.ts";
import { RouteCache } from "./route-cache.ts";
import { createWatchRouteSource, type RouteSource } from "./route-source.ts";
import { createMetricsReporter, type MetricsReporter } from "./metrics-report.ts";
import { createStatusReporter, type StatusReporter } from "./status-report.ts";
import { refuseUpgrade, tunnelUpgrade } from "./upgrade.ts";
import { UpstreamPools } from "./upstream-pools.ts";

/** Where the route table comes from: the controller's watch stream (cached on disk), or a given source. */
export type RouteSourceOptions =
  | {
      controllerUrl: string;
      routerKey: string;
      cacheFile?: string;
      backoff?: { minMs: number; maxMs: number };
      /** A stream silent this long is reconnected (see `createWatchRouteSource`). */
      silenceMs?: number;
      /** How often the router reports its status when nothing changed (see `createStatusReporter`). */
      statusIntervalMs?: number;
      /** How often the router sends its traffic counts (see `createMetricsReporter`). */
      metricsIntervalMs?: number;
    }
  | RouteSource;

export interface RouterDeps {
  /** Platform domain: `berth.<domain>` goes to {@link RouterDeps.platformHandler}. */
  domain: string;
  routes: RouteSourceOptions;
  logger: RouterLogger;
  /** Where the one-line-per-request access log goes (see `openAccessLog`); `logger`, every request, when absent. */
  accessLog?: AccessLogSink;
  /** Serves `berth.<domain>` (the controller API and git, mounted by the platform). */
  platformHandler?: RequestListener;
  platformUpgradeHandler?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /**
   * More host names the platform answers on besides `berth.<domain>` (e.g. `localhost`, which every
   * resolver knows, where `berth.localhost` is known only to curl, git and browsers).
   */
  platformAliases?: readonly string[];
  /** Longest silence while an upstream sends a response body. Default 1300 s, as Deis's router. */
  bodyTimeoutMs?: number;
  /** How long idle upstream connections are kept (below the apps' keep-alive timeout). Default 4 s. */
  idleMs?: number;
  /** Names this router in its status reports; host name, pid and a random suffix when absent. */
  name?: string;
}

export interface Router {
  /**
   * Proxies requests: attach to an `http.Server`'s `request` event — or better, serve with
   * `createRouterServer(router)`, which adds the fast path and uses this for the rest.
   */
  handler: RequestListener;
  /** Proxies upgrades (WebSocket): attach to the server's `upgrade` event. */
  upgradeHandler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** The fast path's entry (see `createRouterServer`, which calls it). */
  dispatch(connection: ClientConnection, request: SimpleRequest): boolean;
  /** `/healthz` and `/metrics`, for a separate admin port. */
  adminHandler: RequestListener;
  routes: RouteSource;
  metrics: RouterMetrics;
  /** Loads the cached table and starts following the controller. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function isRouteSource(options: RouteSourceOptions): options is RouteSource {
  return "current" in options;
}

/** Builds the router; opens no port. */
export function createRouter(deps: RouterDeps): Router {
  const { logger } = deps;
  const accessLog = deps.accessLog ?? logger;
  const platformHost = normalizeHost(`berth.${deps.domain}`);
  const platformHosts = new Set([platformHost, ...(deps.platformAliases ?? []).map(normalizeHost)]);
  const bodyTimeout = deps.bodyTimeoutMs ?? 1_300_000;
  const metrics = new RouterMetrics();
  const pools = new UpstreamPools({
    ...(deps.idleMs === undefined ? {} : { idleMs: deps.idleMs }),
  });
  const routes = isRouteSource(deps.routes)
    ? deps.routes
    : createWatchRouteSource({
        controllerUrl: deps.routes.controllerUrl,
        routerKey: deps.routes.routerKey,
        cache: deps.routes.cacheFile === undefined ? undefined : new RouteCache(deps.routes.cacheFile),
        logger,
        ...(deps.routes.backoff === undefined ? {} : { backoff: deps.routes.backoff }),
        ...(deps.routes.silenceMs === undefined ? {} : { silenceMs: deps.routes.silenceMs }),
      });

  const name = deps.name ?? `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  // Only a router that follows a controller reports to it.
  const reporter: StatusReporter | undefined = isRouteSource(deps.routes)
    ? undefined
    : createStatusReporter(
        {
          controllerUrl: deps.routes.controllerUrl,
          routerKey: deps.routes.routerKey,
          logger,
          ...(deps.routes.statusIntervalMs === undefined ? {} : { intervalMs: deps.routes.statusIntervalMs }),
        },
        () => ({ router: name, version: routes.current().version, routing: pools.routing(), busy: pools.busy() }),
      );
  pools.onDrained = () => reporter?.poke();
  const metricsReporter: MetricsReporter | undefined = isRouteSource(deps.routes)
    ? undefined
    : createMetricsReporter(
        {
          controllerUrl: deps.routes.controllerUrl,
          routerKey: deps.routes.routerKey,
          logger,
          router: name,
          ...(deps.routes.metricsIntervalMs === undefined ? {} : { intervalMs: deps.routes.metricsIntervalMs }),
        },
        metrics,
      );

  let hosts: HostMap = new Map();
  const install = () => {
    hosts = compileHostMap(routes.current(), pools, metrics, logger);
    for (const name of platformHosts) {
      if (hosts.delete(name)) logger.warn("an app claimed the platform's host; ignored", { host: name });
    }
    reporter?.poke();
  };
  install();
  const unsubscribe = routes.subscribe(install);

  const admission = new Admission({ hosts: () => hosts, platformHosts, accessLog, unrouted: metrics.unrouted });

  /**
   * The request head an app receives: the client's headers minus hop-by-hop ones, plus X-Forwarded-*
   * and X-Request-Id (the client's forwarding headers are believed only from a trusted proxy).
   */
  const head = (scan: ScannedRequest, requestLine: string, tls: boolean, target: AppTarget, peer: string, requestId: string) => {
    const trustedPeer = target.trusted?.has(peer) === true;
    const proto = trustedPeer && scan.forwardedProto !== undefined ? scan.forwardedProto : tls ? "https" : "http";
    const forwardedHost = trustedPeer && scan.forwardedHost !== undefined ? scan.forwardedHost : (scan.host ?? "");
    return (
      `${requestLine}${scan.lines}` +
      `x-forwarded-for: ${scan.forwardedFor === undefined ? peer : `${scan.forwardedFor}, ${peer}`}\r\n` +
      `x-forwarded-proto: ${proto}\r\nx-forwarded-host: ${forwardedHost}\r\nx-request-id: ${requestId}\r\n` +
      (scan.chunked ? "transfer-encoding: chunked\r\n\r\n" : "\r\n")
    );
  };

  const handler: RequestListener = (req: IncomingMessage, res: ServerResponse) => {
    const start = performance.now();
    const scan = scanRequestHeaders(req.rawHeaders);
    const peer = normalizeAddress(req.socket.remoteAddress ?? "");
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const admitted = admission.admit(scan, method, path, peer, start, req.httpVersion === "1.1", deps.platformHandler !== undefined);
    const log = admitted.log;
    if (admitted.kind === "refused") {
      sendPage(res, admitted.page, log.requestId);
      refuse(admitted);
      return;
    }
    if (admitted.kind === "platform") {
      res.once("finish", () => {
        log.status = res.statusCode;
        log.finish(undefined);
      });
      deps.platformHandler!(req, res);
      return;
    }
    const target = admitted.target;
    const exchange = new Exchange(req, res, target, log, {
      head: head(scan, `${method} ${path} HTTP/1.1\r\n`, "encrypted" in req.socket, target, peer, log.requestId),
      body: scan.hasBody ? req : null,
      chunked: scan.chunked,
      isHead: method === "HEAD",
      readTimeoutMs: target.route.readTimeoutMs,
      bodyTimeoutMs: bodyTimeout,
    });
    exchange.send();
  };

  const upgradeHandler = (req: IncomingMessage, socket: Duplex, upgradeHead: Buffer) => {
    const start = performance.now();
    const scan = scanRequestHeaders(req.rawHeaders, true);
    const peer = normalizeAddress(req.socket.remoteAddress ?? "");
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const platformUpgrade = deps.platformUpgradeHandler;
    const admitted = admission.admit(scan, method, path, peer, start, req.httpVersion === "1.1", platformUpgrade !== undefined);
    const log = admitted.log;
    if (admitted.kind === "refused") {
      refuseUpgrade(socket, admitted.page, log.requestId);
      refuse(admitted);
      return;
    }
    if (admitted.kind === "platform") {
      platformUpgrade!(req, socket, upgradeHead);
      return;
    }
    const target = admitted.target;
    const upstream = pick(target)!;
    log.upstream = upstream.address;
    tunnelUpgrade(
      socket,
      upgradeHead,
      upstream,
      head(scan, `${method} ${path} HTTP/1.1\r\n`, "encrypted" in req.socket, target, peer, log.requestId),
      target.route.connectTimeoutMs,
      (status, error) => {
        log.status = status;
        log.error = error;
        log.finish(target.metrics);
      },
    );
  };

  /**
   * The fast path's share: a plain request to an app that admits it. False leaves it to `handler`,
   * which admits it again and answers (a refusal, the platform) with the access-log line.
   */
  const dispatch = (connection: ClientConnection, request: SimpleRequest): boolean => {
    const scan = request.scan;
    const peer = connection.peer;
    const admitted = admission.admit(scan, request.method, request.target, peer, performance.now(), true, false);
    if (admitted.kind !== "app") return false;
    const { target, log } = admitted;
    connection.proxy(target, log, {
      head: head(scan, request.requestLine, "encrypted" in connection.socket, target, peer, log.requestId),
      body: null,
      chunked: false,
      isHead: request.method === "HEAD",
      readTimeoutMs: target.route.readTimeoutMs,
      bodyTimeoutMs: bodyTimeout,
    });
    return true;
  };

  return {
    handler,
    upgradeHandler,
    dispatch,
    adminHandler: admin(routes, metrics, () => hosts.size),
    routes,
    metrics,
    async start() {
      await routes.start();
      reporter?.start();
      metricsReporter?.start();
    },
    async close() {
      unsubscribe();
      await reporter?.close();
      await metricsReporter?.close();
      await routes.close();
      pools.close();
    },
  };
}
