import type { Deployer } from "../deployer.ts";
import { untilAborted } from "../leases/leases.ts";
import type { Logger } from "../logger.ts";
import type { AlertSettings } from "../http/context.ts";
import type { Db } from "../store/schema.ts";
import { Dispatcher } from "./dispatcher.ts";
import { AlertEvaluator } from "./evaluator.ts";

export interface AlertLoopDeps {
  db: Db;
  logger: Logger;
  deployer: Pick<Deployer, "pods" | "memory">;
  settings: AlertSettings;
  appUrlTemplate: string;
  /** How often due deliveries are looked for. Default 1 s. */
  dispatchMs?: number;
}

/** Runs `work` every `ms`, never two at once, until `signal` aborts; resolves once the last run ended. */
async function every(ms: number, signal: AbortSignal, work: () => Promise<unknown>, logger: Logger, what: string): Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    running = work()
      .catch((err: unknown) => logger.warn(`${what} failed; trying again at the next tick`, { err }))
      .finally(() => {
        busy = false;
      });
  }, ms);
  timer.unref();
  await untilAborted(signal);
  clearInterval(timer);
  await running;
}

/** The leader's alert loops: rules evaluated every tick, due notifications sent every second. */
export async function runAlerts(deps: AlertLoopDeps, signal: AbortSignal): Promise<void> {
  const evaluator = new AlertEvaluator(deps.db, deps.logger, deps.deployer, {
    tickMs: deps.settings.tickMs,
    appUrlTemplate: deps.appUrlTemplate,
  });
  const dispatcher = new Dispatcher(deps.db, deps.logger, deps.settings);
  await Promise.all([
    every(deps.settings.tickMs, signal, () => evaluator.tick(), deps.logger, "evaluating alert rules"),
    every(deps.dispatchMs ?? 1000, signal, () => dispatcher.run(), deps.logger, "sending alert notifications"),
  ]);
}
