import { createServer } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogFields, RouterLogger } from "../../src/logger.ts";
import { createRouterServer, type RouterServer, type RouterServerOptions } from "../../src/inbound/server.ts";
import { createRouter, type Router, type RouterDeps } from "../../src/router.ts";
import { closeServer, listen } from "./servers.ts";

/** A logger that keeps lines, so tests can read the access log. */
export function memoryLogger(): RouterLogger & { lines: { level: string; msg: string; fields: LogFields }[] } {
  const lines: { level: string; msg: string; fields: LogFields }[] = [];
  const at =
    (level: string) =>
    (msg: string, fields: LogFields = {}) =>
      void lines.push({ level, msg, fields });
  return { lines, info: at("info"), warn: at("warn"), error: at("error") };
}

export interface RunningRouter {
  router: Router;
  server: RouterServer;
  port: number;
  adminPort: number;
  logs: ReturnType<typeof memoryLogger>;
  cacheFile: string;
  stop(): Promise<void>;
}

/** A router following the controller at `stub.url`, serving on real sockets on 127.0.0.1 (proxy port and admin port). */
export async function startRouter(
  stub: { url: string; key: string },
  options: {
    cacheDir?: string;
    deps?: Partial<RouterDeps>;
    waitForVersion?: number;
    server?: RouterServerOptions;
    backoff?: { minMs: number; maxMs: number };
    silenceMs?: number;
    statusIntervalMs?: number;
    metricsIntervalMs?: number;
  } = {},
): Promise<RunningRouter> {
  const dir = options.cacheDir ?? (await mkdtemp(join(tmpdir(), "berth-router-")));
  const cacheFile = join(dir, "routes.json");
  const logs = memoryLogger();
  const router = createRouter({
    domain: "test.local",
    routes: {
      controllerUrl: stub.url,
      routerKey: stub.key,
      cacheFile,
      backoff: options.backoff ?? { minMs: 20, maxMs: 100 },
      ...(options.silenceMs === undefined ? {} : { silenceMs: options.silenceMs }),
      ...(options.statusIntervalMs === undefined ? {} : { statusIntervalMs: options.statusIntervalMs }),
      ...(options.metricsIntervalMs === undefined ? {} : { metricsIntervalMs: options.metricsIntervalMs }),
    },
    logger: logs,
    ...options.deps,
  });
  const server = createRouterServer(router, options.server);
  const adminServer = createServer(router.adminHandler);
  const { port } = await server.listen(0, "127.0.0.1");
  const adminPort = await listen(adminServer);
  await router.start();
  if (options.waitForVersion !== undefined) await waitFor(() => router.routes.current().version >= options.waitForVersion!);
  return {
    router,
    server,
    port,
    adminPort,
    logs,
    cacheFile,
    async stop() {
      await router.close();
      server.closeAllConnections();
      await Promise.all([server.close(), closeServer(adminServer)]);
      if (options.cacheDir === undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * How long a wait may see nothing change before it calls the router stuck: far above any delay of a
 * loaded machine (a wait for an event is not a speed test), and below ava's 60 s test timeout so a
 * stuck wait says what it waited for.
 */
const STUCK_MS = 20_000;

/**
 * Polls `condition` every 10 ms; fails with `what` once it has not held for {@link STUCK_MS}. With
 * `progress`, it fails only when `progress()` has not changed for that long (a loaded machine may be
 * slow at a long task, but a stalled one stops moving).
 */
export async function waitFor(condition: () => boolean, what = "condition", progress?: () => number): Promise<void> {
  const ms = STUCK_MS;
  let last = progress?.();
  let deadline = Date.now() + ms;
  while (!condition()) {
    const now = progress?.();
    if (now !== last) {
      last = now;
      deadline = Date.now() + ms;
    } else if (Date.now() > deadline) {
      throw new Error(`waited ${ms} ms ${progress === undefined ? "" : `with no progress (at ${last}) `}for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
