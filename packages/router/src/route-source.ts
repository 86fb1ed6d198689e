import { LineSplitter, ROUTE_STREAM_HEARTBEAT_MS, ROUTE_TABLE_PATH, ROUTER_KEY_HEADER, type RouteTable } from "@berth/api";
import type { RouterLogger } from "./logger.ts";
import type { RouteCache } from "./route-cache.ts";
import { emptyTable, parseRouteTable } from "./route-table.ts";

/** Where the router's table comes from. */
export interface RouteSource {
  /** The newest table seen (empty until the cache or the controller gave one). */
  current(): RouteTable;
  /** Calls `listener` with every newer table; returns an unsubscribe function. */
  subscribe(listener: (table: RouteTable) => void): () => void;
  /** Loads the disk cache (served at once), then follows the controller's stream in the background. */
  start(): Promise<void>;
  /** Connected to the controller's stream right now. */
  connected(): boolean;
  close(): Promise<void>;
}

export interface WatchRouteSourceOptions {
  /** Controller base URL, e.g. `http://127.0.0.1:8080`. */
  controllerUrl: string;
  routerKey: string;
  cache?: RouteCache | undefined;
  logger: RouterLogger;
  /** Reconnect delays: starts at `minMs`, doubles up to `maxMs` while connecting fails, back to `minMs` once the controller answered. */
  backoff?: { minMs: number; maxMs: number };
  /**
   * A stream silent for this long (no table, no heartbeat) is taken for dead and reconnected.
   * Default three of the controller's heartbeats.
   */
  silenceMs?: number;
  fetch?: typeof fetch;
}

/** Follows `GET /v2/routes?watch=1&since=<v>` (NDJSON of full tables) and reconnects with backoff. */
export function createWatchRouteSource(options: WatchRouteSourceOptions): RouteSource {
  const { logger, cache } = options;
  const doFetch = options.fetch ?? fetch;
  const backoff = options.backoff ?? { minMs: 250, maxMs: 10_000 };
  const silenceMs = options.silenceMs ?? 3 * ROUTE_STREAM_HEARTBEAT_MS;
  const listeners = new Set<(table: RouteTable) => void>();
  let table = emptyTable;
  let seen = false;
  let isConnected = false;
  let closed = false;
  let abort: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const accept = (next: RouteTable, from: "cache" | "controller") => {
    if (seen && next.version <= table.version) return;
    table = next;
    seen = true;
    for (const listener of listeners) listener(next);
    if (from === "controller" && cache !== undefined) {
      cache.save(next).catch((error) => logger.error("could not write the route cache", { file: cache.file, error }));
    }
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** One connection: resolves when the stream ends, rejects when it cannot be had or breaks. */
  const follow = async (onConnected: () => void): Promise<void> => {
    const url = new URL(ROUTE_TABLE_PATH, options.controllerUrl);
    url.searchParams.set("watch", "1");
    if (seen) url.searchParams.set("since", String(table.version));
    const stream = new AbortController();
    abort = stream;
    const response = await doFetch(url, { headers: { [ROUTER_KEY_HEADER]: options.routerKey }, signal: stream.signal });
    if (!response.ok || response.body === null) {
      await response.body?.cancel();
      const hint = response.status === 401 || response.status === 403 ? " — check BERTH_ROUTER_KEY matches the controller's" : "";
      throw new Error(`controller answered ${response.status} to ${url.pathname}${hint}`);
    }
    isConnected = true;
    onConnected();
    // The controller sends at least a heartbeat line this often: silence means a dead connection.
    let watchdog: NodeJS.Timeout | undefined;
    const quiet = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => stream.abort(new Error(`no table or heartbeat from the controller in ${silenceMs} ms`)), silenceMs);
    };
    quiet();
    // One table per line; a line the stream ends in the middle of is a table cut off, never read.
    const lines = new LineSplitter();
    try {
      for await (const chunk of response.body) {
        quiet();
        for (const line of lines.push(chunk)) {
          if (line.trim() === "") continue;
          try {
            accept(parseRouteTable(JSON.parse(line)), "controller");
          } catch (error) {
            logger.error("ignored a bad route table from the controller", { error });
          }
        }
      }
    } catch (error) {
      throw stream.signal.aborted && stream.signal.reason instanceof Error ? stream.signal.reason : error;
    } finally {
      clearTimeout(watchdog);
    }
  };

  const run = async () => {
    let delay = backoff.minMs;
    while (!closed) {
      let connected = false;
      try {
        await follow(() => {
          connected = true;
        });
        if (!closed) logger.warn("route stream ended; reconnecting", { version: table.version, retryMs: backoff.minMs });
      } catch (error) {
        if (closed) break;
        logger.warn("route stream unavailable; serving the last table", {
          version: table.version,
          retryMs: connected ? backoff.minMs : delay,
          error,
        });
      }
      isConnected = false;
      if (closed) break;
      // A stream that was up is retried at once; only failures to connect back off.
      if (connected) delay = backoff.minMs;
      await sleep(delay);
      delay = connected ? backoff.minMs : Math.min(delay * 2, backoff.maxMs);
    }
  };

  return {
    current: () => table,
    connected: () => isConnected,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      if (loop !== undefined) return;
      if (cache !== undefined) {
        try {
          const cached = await cache.load();
          if (cached !== undefined) {
            accept(cached, "cache");
            logger.info("serving the cached route table", { file: cache.file, version: cached.version });
          }
        } catch (error) {
          logger.error("ignored the route cache", { error });
        }
      }
      loop = run();
    },
    async close() {
      closed = true;
      abort?.abort();
      wake?.();
      await loop;
      await cache?.idle();
    },
  };
}

/** A fixed table that can be replaced by hand: for the platform's tests and embedding. */
export function createStaticRouteSource(initial: RouteTable = emptyTable): RouteSource & { set(table: RouteTable): void } {
  const listeners = new Set<(table: RouteTable) => void>();
  let table = initial;
  return {
    current: () => table,
    connected: () => true,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      table = next;
      for (const listener of listeners) listener(next);
    },
    start: async () => {},
    close: async () => {},
  };
}
