import { ROUTER_KEY_HEADER, ROUTER_STATUS_INTERVAL_MS, ROUTER_STATUS_PATH, type RouterStatus } from "@berth/api";
import type { RouterLogger } from "./logger.ts";

export interface StatusReporterOptions {
  controllerUrl: string;
  routerKey: string;
  logger: RouterLogger;
  /** How often to report when nothing changed. Default {@link ROUTER_STATUS_INTERVAL_MS}. */
  intervalMs?: number;
  fetch?: typeof fetch;
}

export interface StatusReporter {
  /** Something the status shows changed: report it soon (reports never overlap; changes meanwhile are sent next). */
  poke(): void;
  start(): void;
  close(): Promise<void>;
}

/**
 * Tells the controller what this router routes (`POST /v2/routes/status`): after every table it
 * installs, when an instance it no longer picks has finished its last request, and every
 * `intervalMs` besides, which is how the controller knows the router is alive.
 */
export function createStatusReporter(options: StatusReporterOptions, snapshot: () => RouterStatus): StatusReporter {
  const doFetch = options.fetch ?? fetch;
  const url = new URL(ROUTER_STATUS_PATH, options.controllerUrl);
  const intervalMs = options.intervalMs ?? ROUTER_STATUS_INTERVAL_MS;
  let sending: Promise<void> | undefined;
  let again = false;
  let failing = false;
  let closed = false;
  let started = false;
  let timer: NodeJS.Timeout | undefined;

  const send = async () => {
    try {
      const response = await doFetch(url, {
        method: "POST",
        headers: { [ROUTER_KEY_HEADER]: options.routerKey, "content-type": "application/json" },
        body: JSON.stringify(snapshot()),
        signal: AbortSignal.timeout(intervalMs),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`controller answered ${response.status} to ${url.pathname}`);
      if (failing) options.logger.info("router status reaches the controller again");
      failing = false;
    } catch (error) {
      // Once per outage: the route stream's own warnings say the rest.
      if (!failing) options.logger.warn("could not report the router's status to the controller", { error });
      failing = true;
    }
  };

  const poke = () => {
    if (closed || !started) return;
    if (sending !== undefined) {
      again = true;
      return;
    }
    sending = send().finally(() => {
      sending = undefined;
      if (again) {
        again = false;
        poke();
      }
    });
  };

  return {
    poke,
    start() {
      if (started || closed) return;
      started = true;
      poke();
      timer = setInterval(poke, intervalMs);
      timer.unref();
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await sending;
    },
  };
}
