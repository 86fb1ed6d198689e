import { createServer } from "node:http";
import type { AddressInfo, Server as NetServer } from "node:net";
import { ControllerClient } from "@berth/api";
import { type Builder, createBuilder, dockerFromHost } from "@berth/builder";
import { type Logger, startControllerRuntime } from "@berth/controller";
import { createRouter, createRouterServer, openAccessLog } from "@berth/router";
import type { PlatformConfig } from "./config.ts";
import { platformDispatch } from "./dispatch.ts";

export interface PlatformOptions {
  /**
   * The URL the router follows the controller at, given the controller's own: tests put a proxy in
   * between to cut the route stream at the worst moment. The controller's own URL when absent.
   */
  routerControllerUrl?: (controllerUrl: string) => string;
  /** How often the router sends the controller its traffic counts; tests shorten it. Default 10 s. */
  routerMetricsIntervalMs?: number;
  /** Delays between attempts to deliver an alert notification; tests shorten them. Standard Webhooks' by default. */
  alertRetryScheduleMs?: readonly number[];
}

export interface Platform {
  /** `http://host:port` of the public port. */
  url: string;
  port: number;
  adminPort: number;
  /** Stops serving; apps keep running and are adopted by the next start. */
  close(): Promise<void>;
}

function listen(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: NetServer & { closeAllConnections(): void }): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/**
 * Starts controller, builder and router in this process. The controller also listens on a private
 * loopback port, where the builder's hooks and the router's route-table watch reach it exactly as
 * they would across machines; the public port serves apps by host, and the API and git on
 * `berth.<domain>` (and `localhost`, which every resolver knows).
 */
export async function startPlatform(config: PlatformConfig, logger: Logger, options: PlatformOptions = {}): Promise<Platform> {
  let builder: Builder | undefined;
  // One client of the one engine: the controller runs apps on it and the builder builds on it.
  const docker = dockerFromHost(config.controller.dockerHost);
  const controller = await startControllerRuntime(config.controller, logger.child({ service: "controller" }), {
    docker,
    // The builder lives in this process: a destroyed app's repository goes with it.
    onAppDestroyed: async (app) => builder?.forget(app),
    // One machine: its user may well receive alerts on it (BERTH_ALERTS_ALLOW_PRIVATE_URLS=auto).
    singleMachine: true,
    ...(options.alertRetryScheduleMs === undefined ? {} : { alertRetryScheduleMs: options.alertRetryScheduleMs }),
  });
  const internal = createServer(controller.handler);
  const internalPort = await listen(internal, 0, "127.0.0.1");
  const internalUrl = `http://127.0.0.1:${internalPort}`;

  builder = createBuilder({
    controller: new ControllerClient({ url: internalUrl, builderKey: config.controller.builderKey }),
    docker,
    dataDir: config.controller.dataDir,
    stackImage: config.stackImage,
    registry: config.registry,
    // Builds reach the network the way the apps do (no bridge: the host's network).
    buildNetwork: controller.network === "host" ? "host" : undefined,
    ...config.builds,
    logger: logger.child({ service: "builder" }),
  });

  const routerLogger = logger.child({ service: "router" });
  const accessLog = openAccessLog(config.routerAccessLog, routerLogger);
  const router = createRouter({
    domain: config.controller.domain,
    routes: {
      controllerUrl: options.routerControllerUrl?.(internalUrl) ?? internalUrl,
      routerKey: config.controller.routerKey,
      cacheFile: config.routeCacheFile,
      ...(options.routerMetricsIntervalMs === undefined ? {} : { metricsIntervalMs: options.routerMetricsIntervalMs }),
    },
    logger: routerLogger,
    accessLog: accessLog.sink,
    platformHandler: platformDispatch(controller.handler, builder.handle),
    platformAliases: ["localhost", "127.0.0.1", "[::1]"],
  });
  await router.start();

  const server = createRouterServer(router);
  const admin = createServer(router.adminHandler);
  const { port } = await server.listen(config.port, config.host);
  const adminPort = await listen(admin, config.adminPort, config.adminHost);
  return {
    url: `http://localhost:${port}`,
    port,
    adminPort,
    async close() {
      const closed = server.close();
      server.closeAllConnections();
      await Promise.all([closed, close(admin)]);
      await router.close();
      accessLog.close();
      await builder?.close();
      await close(internal);
      await controller.close();
    },
  };
}
