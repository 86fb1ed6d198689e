import type { AlertKind, AlertRule } from "@berth/api";
import type { Deployer } from "../deployer.ts";
import type { Logger } from "../logger.ts";
import { appEvent } from "../rollout/app-events.ts";
import { eventsOfKind, insertEvent } from "../store/app-events.ts";
import { findApp } from "../store/apps.ts";
import { enabledRules, insertHistory, updateRule } from "../store/alerts.ts";
import type { AlertRuleRow, Db, Executor } from "../store/schema.ts";
import { trafficSince } from "../store/traffic.ts";
import { type AppSnapshot, condition } from "./conditions.ts";
import { eventsAfter } from "./events.ts";
import { KINDS } from "./kinds.ts";
import { enqueue, newId, notification } from "./notify.ts";
import { step } from "./state.ts";
import { ruleView } from "./views.ts";

export interface EvaluatorOptions {
  /** How often every rule is evaluated. */
  tickMs: number;
  /** A firing alert notifies again after this long. Default 4 h (Alertmanager's `repeat_interval`). */
  repeatMs?: number;
  /** `http://{app}.localhost:8080`, for the links in notifications. */
  appUrlTemplate: string;
  now?: () => number;
}

type Instances = Pick<Deployer, "pods" | "memory">;

/**
 * Evaluates every enabled rule on a fixed tick (run by the leading controller only): metric rules
 * step through ok → pending → firing → resolved on the app's traffic, crashes, instances and
 * memory; event rules notify of each failed deploy or rollback since they last looked. State and
 * queued notifications are written in one transaction per rule, so a restarted controller neither
 * loses a firing alert nor notifies it twice.
 */
export class AlertEvaluator {
  readonly #db: Db;
  readonly #logger: Logger;
  readonly #instances: Instances;
  readonly #options: EvaluatorOptions;

  constructor(db: Db, logger: Logger, instances: Instances, options: EvaluatorOptions) {
    this.#db = db;
    this.#logger = logger.child({ component: "alerts" });
    this.#instances = instances;
    this.#options = options;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }

  /** One evaluation of every enabled rule; answers how many rules were evaluated. */
  async tick(): Promise<number> {
    const rules = await enabledRules(this.#db);
    const byApp = new Map<string, AlertRuleRow[]>();
    for (const rule of rules) byApp.set(rule.app_id, [...(byApp.get(rule.app_id) ?? []), rule]);
    for (const [app, appRules] of byApp) {
      await this.#evaluateApp(app, appRules).catch((err: unknown) =>
        this.#logger.warn("could not evaluate an app's alert rules", { app, err }),
      );
    }
    return rules.length;
  }

  async #evaluateApp(app: string, rules: AlertRuleRow[]): Promise<void> {
    const now = this.#now();
    const metric = rules.filter((r) => KINDS[r.kind as AlertKind]?.metric === true);
    if (metric.length > 0) {
      const snapshot = await this.#snapshot(app, metric, now);
      await this.#stepRules(metric, snapshot, now);
    }
    for (const rule of rules.filter((r) => KINDS[r.kind as AlertKind]?.metric === false)) await this.#events(rule, now);
  }

  async #snapshot(app: string, rules: AlertRuleRow[], now: number): Promise<AppSnapshot> {
    const longest = Math.max(60, ...rules.map((r) => r.window_s ?? 0));
    const from = now - longest * 1000 - 60_000;
    const kinds = new Set(rules.map((r) => r.kind));
    const [traffic, crashes, record] = await Promise.all([
      trafficSince(this.#db, app, from),
      eventsOfKind(this.#db, app, "crash", new Date(from).toISOString()),
      findApp(this.#db, app),
    ]);
    const pods = kinds.has("down") ? await this.#instances.pods(app) : undefined;
    const memory = kinds.has("memory") ? await this.#instances.memory?.(app) : undefined;
    return {
      traffic,
      crashes: crashes.map((c) => c.time),
      webWanted: record?.structure.web ?? 0,
      ...(pods === undefined ? {} : { pods }),
      ...(memory === undefined ? {} : { memory }),
    };
  }

  /**
   * Steps every metric rule of one app, and writes what changed in one transaction: the rules'
   * states, their history, and one notification per set of channels for all the rules that changed
   * (grouped per app, as Alertmanager does), so nothing is half-recorded.
   */
  async #stepRules(rules: AlertRuleRow[], snapshot: AppSnapshot, now: number): Promise<void> {
    const tickMs = this.#options.tickMs;
    const stepped = rules.map((rule) => {
      const view = ruleView(rule);
      const found = condition(view, snapshot, now);
      const forMs = rule.for_s * 1000;
      const result = step(
        { state: view.state, stateSince: rule.state_since, clearSince: rule.clear_since, notified: rule.notified },
        found.holds,
        now,
        { forMs, resolveAfterMs: Math.max(forMs, 2 * tickMs), repeatMs: this.#options.repeatMs ?? 4 * 3_600_000 },
      );
      return { rule, view, found, result };
    });
    await this.#db.transaction().execute(async (tx) => {
      const toNotify = new Map<string, typeof stepped>();
      for (const s of stepped) {
        const { rule, view, found, result } = s;
        await updateRule(tx, rule.id, {
          state: result.next.state,
          state_since: result.next.stateSince,
          clear_since: result.next.clearSince,
          notified: result.next.notified,
          figure: found.figure,
        });
        if (result.change !== null) await this.#record(tx, rule, result.change, found.figure, now);
        if (result.notify === null) continue;
        if (view.silencedUntil !== null) {
          this.#logger.info("an alert is silenced; not notified", { app: rule.app_id, rule: rule.id, until: view.silencedUntil });
          continue;
        }
        const key = JSON.stringify([...view.channels].sort());
        toNotify.set(key, [...(toNotify.get(key) ?? []), s]);
      }
      for (const group of toNotify.values()) {
        const [main, ...others] = group as [(typeof stepped)[number], ...typeof stepped];
        const status = main.result.notify!;
        const startsAt = status === "resolved" ? main.rule.state_since : main.result.next.stateSince;
        const n = await notification(tx, this.#options.appUrlTemplate, main.rule, status, main.found.figure, startsAt, now);
        if (others.length > 0) {
          n.group = others.map((o) => ({
            rule: { id: o.rule.id, kind: o.rule.kind, summary: o.view.summary },
            status: o.result.notify!,
            figure: o.found.figure,
          }));
        }
        const queued = await enqueue(tx, n, main.view.channels, now);
        this.#logger.info("alert notification queued", {
          app: main.rule.app_id,
          rules: group.map((g) => g.rule.id),
          status,
          channels: queued,
        });
      }
    });
  }

  async #events(rule: AlertRuleRow, now: number): Promise<void> {
    const seen = await eventsAfter(this.#db, rule.app_id, rule.kind, rule.cursor);
    const cursor = seen.at(-1)?.time;
    if (cursor === undefined) return;
    // `rollback` with threshold 1: only the automatic ones.
    const events = seen.filter((e) => rule.kind !== "rollback" || rule.threshold !== 1 || e.automatic);
    const view = ruleView(rule);
    await this.#db.transaction().execute(async (tx) => {
      for (const event of events) {
        await this.#record(tx, rule, "event", event.figure, now);
        await this.#notify(tx, rule, view, "event", event.figure, event.time, now);
      }
      await updateRule(tx, rule.id, { cursor, ...(events.length > 0 ? { figure: events.at(-1)!.figure } : {}) });
    });
  }

  async #record(tx: Executor, rule: AlertRuleRow, change: string, figure: string, now: number): Promise<void> {
    const time = new Date(now).toISOString();
    await insertHistory(tx, { id: newId("h", 6), app_id: rule.app_id, rule_id: rule.id, kind: rule.kind, change, figure, time });
    if (change !== "pending")
      await insertEvent(
        tx,
        appEvent(rule.app_id, "alert", `${rule.kind} ${change === "event" ? "" : `${change}: `}${figure} (rule ${rule.id})`),
      );
  }

  async #notify(
    tx: Executor,
    rule: AlertRuleRow,
    view: AlertRule,
    status: "firing" | "resolved" | "event",
    figure: string,
    startsAt: string,
    now: number,
  ): Promise<void> {
    if (view.silencedUntil !== null) {
      this.#logger.info("an alert is silenced; not notified", { app: rule.app_id, rule: rule.id, until: view.silencedUntil });
      return;
    }
    const n = await notification(tx, this.#options.appUrlTemplate, rule, status, figure, startsAt, now);
    const queued = await enqueue(tx, n, view.channels, now);
    this.#logger.info("alert notification queued", { app: rule.app_id, rule: rule.id, status, channels: queued });
  }
}
