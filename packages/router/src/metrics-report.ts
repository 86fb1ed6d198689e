import { randomBytes } from "node:crypto";
import { ROUTER_KEY_HEADER, ROUTER_METRICS_INTERVAL_MS, ROUTER_METRICS_PATH, type RouterMetricsReport } from "@berth/api";
import type { RouterLogger } from "./logger.ts";
import type { RouterMetrics } from "./metrics.ts";

export interface MetricsReporterOptions {
  controllerUrl: string;
  routerKey: string;
  logger: RouterLogger;
  /** Names the router, as in its status reports. */
  router: string;
  /** Default {@link ROUTER_METRICS_INTERVAL_MS}. */
  intervalMs?: number;
  fetch?: typeof fetch;
}

export interface MetricsReporter {
  start(): void;
  /** Sends what is left (briefly: the process is stopping), then stops. */
  close(): Promise<void>;
}

/** Buckets per POST: a report stays well inside the controller's body limit (about 300 bytes each). */
const BUCKETS_PER_REPORT = 1000;

/**
 * Sends the controller this router's traffic per app and minute (`POST /v2/routes/metrics`) every
 * `intervalMs`: what changed since the last report it acknowledged. What it did not take is sent
 * again next time — its figures replace, never add to, what the controller has for that minute.
 */
export function createMetricsReporter(options: MetricsReporterOptions, metrics: RouterMetrics): MetricsReporter {
  const doFetch = options.fetch ?? fetch;
  const url = new URL(ROUTER_METRICS_PATH, options.controllerUrl);
  const intervalMs = options.intervalMs ?? ROUTER_METRICS_INTERVAL_MS;
  const boot = randomBytes(6).toString("hex");
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> | undefined;
  let failing = false;

  const post = async (report: RouterMetricsReport, timeoutMs: number) => {
    const response = await doFetch(url, {
      method: "POST",
      headers: { [ROUTER_KEY_HEADER]: options.routerKey, "content-type": "application/json" },
      body: JSON.stringify(report),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`controller answered ${response.status} to ${url.pathname}`);
  };

  const send = async (timeoutMs: number) => {
    const batches = [...metrics.apps()].map((m) => m.traffic.pending()).filter((b) => b.buckets.length > 0);
    try {
      for (let i = 0; i < batches.length; ) {
        const chunk = [];
        let count = 0;
        while (i < batches.length && (count === 0 || count + batches[i]!.buckets.length <= BUCKETS_PER_REPORT)) {
          count += batches[i]!.buckets.length;
          chunk.push(batches[i++]!);
        }
        await post({ router: options.router, boot, buckets: chunk.flatMap((b) => b.buckets) }, timeoutMs);
        for (const batch of chunk) batch.acknowledge();
      }
      if (failing) options.logger.info("router metrics reach the controller again");
      failing = false;
    } catch (error) {
      if (!failing) options.logger.warn("could not send the router's metrics to the controller; kept for the next try", { error });
      failing = true;
    }
  };

  const tick = () => {
    if (sending !== undefined) return;
    sending = send(intervalMs).finally(() => {
      sending = undefined;
    });
  };

  return {
    start() {
      if (timer !== undefined) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async close() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      await sending;
      await send(2000);
    },
  };
}
