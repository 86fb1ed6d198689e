import type { AlertKind, ChannelType, CreatedChannel } from "@berth/api";
import type { Router } from "@koa/router";
import { channelFromRequest } from "../../alerts/channel-input.ts";
import { attempt, testResult } from "../../alerts/dispatcher.ts";
import type { RuleShape } from "../../alerts/kinds.ts";
import type { Notification } from "../../alerts/notification.ts";
import { deliveryRow, newId, notification } from "../../alerts/notify.ts";
import { createRuleInput, ruleShape, updateRuleInput } from "../../alerts/rule-input.ts";
import { channelView, deliveryView, historyView, ruleView } from "../../alerts/views.ts";
import { asObject, onlyKeys, pageQuery } from "../../domain/validate.ts";
import { BerthError, invalid } from "../../errors.ts";
import {
  deleteChannel,
  deleteRule,
  findChannel,
  findDelivery,
  findRule,
  insertChannel,
  insertDelivery,
  insertRule,
  listChannels,
  listDeliveries,
  listHistory,
  listRules,
  updateRule,
} from "../../store/alerts.ts";
import type { AlertRuleRow, Executor } from "../../store/schema.ts";
import { loadApp } from "../access.ts";
import { readJson } from "../body.ts";
import type { Ctx, RouteDeps, State } from "../context.ts";

const ruleNotFound = (app: string, id: string) =>
  new BerthError("NOT_FOUND", `"${id}" is not an alert rule of "${app}"`, { hint: "`berth alerts` lists the app's rules" });
const channelNotFound = (app: string, id: string) =>
  new BerthError("NOT_FOUND", `"${id}" is not an alert channel of "${app}"`, { hint: "`berth alerts:channels` lists them" });

function ruleRow(app: string, shape: RuleShape, channels: string[], now: string): AlertRuleRow {
  return {
    id: newId("r", 3),
    app_id: app,
    kind: shape.kind,
    threshold: shape.threshold,
    window_s: shape.windowSeconds,
    for_s: shape.forSeconds,
    min_requests: shape.minRequests,
    channels: JSON.stringify(channels),
    enabled: 1,
    state: "ok",
    state_since: now,
    clear_since: null,
    figure: null,
    silenced_until: null,
    notified: null,
    // Event rules notify of what happens from now on, not of the app's past.
    cursor: now,
    created: now,
  };
}

/** Channels a rule names must be the app's own. */
async function checkChannels(db: Executor, app: string, ids: readonly string[]): Promise<void> {
  const own = new Set((await listChannels(db, app)).map((c) => c.id));
  const stranger = ids.find((id) => !own.has(id));
  if (stranger !== undefined) throw invalid("channels", `"${stranger}" is not a channel of "${app}"`, "`berth alerts:channels` lists them");
}

export function alertRoutes(router: Router<State>, deps: RouteDeps): void {
  const { alerts } = deps.settings;
  const tickSeconds = Math.ceil(alerts.tickMs / 1000);
  const rule = async (ctx: Ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const id = ctx.params.rule ?? "";
    const row = await findRule(deps.store.db, app.id, id);
    if (row === undefined) throw ruleNotFound(app.id, id);
    return { app, row };
  };

  router.get("/v2/apps/:id/alerts", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const rows = await listRules(deps.store.db, app.id);
    ctx.body = { count: rows.length, results: rows.map(ruleView) };
  });

  router.post("/v2/apps/:id/alerts", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const { shape, channels } = createRuleInput(await readJson(ctx, deps.settings.bodyLimit), tickSeconds);
    await checkChannels(deps.store.db, app.id, channels);
    const row = ruleRow(app.id, shape, channels, new Date().toISOString());
    await insertRule(deps.store.db, row);
    deps.logger.info("alert rule added", { app: app.id, rule: row.id, kind: row.kind });
    ctx.status = 201;
    ctx.body = ruleView(row);
  });

  router.get("/v2/apps/:id/alerts/history", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const { limit, offset } = pageQuery(ctx.query);
    const { rows, count } = await listHistory(deps.store.db, app.id, limit, offset);
    ctx.body = { count, results: rows.map(historyView) };
  });

  router.get("/v2/apps/:id/alerts/channels", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const rows = await listChannels(deps.store.db, app.id);
    ctx.body = { count: rows.length, results: rows.map(channelView) };
  });

  router.post("/v2/apps/:id/alerts/channels", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const channel = await channelFromRequest(await readJson(ctx, deps.settings.bodyLimit), app.id, alerts.allowPrivate);
    const now = channel.created;
    const secret = channel.secret;
    const defaults: AlertRuleRow[] = [];
    await deps.store.db.transaction().execute(async (tx) => {
      const first = (await listChannels(tx, app.id)).length === 0;
      await insertChannel(tx, channel);
      if (!first) return;
      const kinds = new Set((await listRules(tx, app.id)).map((r) => r.kind));
      for (const kind of ["deploy-failed", "crashes"] as const satisfies AlertKind[]) {
        if (kinds.has(kind)) continue;
        const row = ruleRow(app.id, ruleShape(kind, {}, tickSeconds), [], now);
        await insertRule(tx, row);
        defaults.push(row);
      }
    });
    deps.logger.info("alert channel added", { app: app.id, channel: channel.id, type: channel.type });
    ctx.status = 201;
    ctx.body = {
      ...channelView(channel),
      ...(secret === null ? {} : { secret }),
      defaultRules: defaults.map(ruleView),
    } satisfies CreatedChannel & { type: ChannelType };
  });

  router.delete("/v2/apps/:id/alerts/channels/:channel", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const id = ctx.params.channel ?? "";
    if (!(await deleteChannel(deps.store.db, app.id, id))) throw channelNotFound(app.id, id);
    ctx.status = 204;
  });

  router.post("/v2/apps/:id/alerts/channels/:channel/test", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const id = ctx.params.channel ?? "";
    const channel = await findChannel(deps.store.db, id);
    if (channel === undefined || channel.app_id !== app.id) throw channelNotFound(app.id, id);
    const now = Date.now();
    const n = await notification(
      deps.store.db,
      deps.settings.appUrlTemplate,
      { id: "test", app_id: app.id, kind: "test", summary: "a test notification from `berth alerts:test`" },
      "test",
      "this is a test: nothing is wrong",
      new Date(now).toISOString(),
      now,
    );
    const result = await attempt(channel, n, alerts);
    // Recorded like any delivery, never retried: the person testing reads the answer now.
    await insertDelivery(deps.store.db, {
      ...deliveryRow(n, channel.id, null, Date.now()),
      status: result.ok ? "delivered" : "failed",
      attempts: 1,
      last_status: result.status,
      last_error: result.error,
      last_duration_ms: Math.round(result.durationMs),
      next_attempt: null,
    });
    ctx.body = testResult(result);
  });

  router.get("/v2/apps/:id/alerts/deliveries", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const { limit, offset } = pageQuery(ctx.query);
    const status = typeof ctx.query.status === "string" ? ctx.query.status : undefined;
    if (status !== undefined && !["pending", "delivered", "failed"].includes(status)) {
      throw invalid("status", `"${status.slice(0, 20)}" is not a delivery status`, "pending, delivered or failed");
    }
    const { rows, count } = await listDeliveries(deps.store.db, app.id, status, limit, offset);
    ctx.body = { count, results: rows.map(deliveryView) };
  });

  router.post("/v2/apps/:id/alerts/deliveries/:delivery/redeliver", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const id = ctx.params.delivery ?? "";
    const original = await findDelivery(deps.store.db, app.id, id);
    if (original === undefined) {
      throw new BerthError("NOT_FOUND", `"${id}" is not a delivery of "${app.id}"`, { hint: "`berth alerts:deliveries` lists them" });
    }
    const channel = await findChannel(deps.store.db, original.channel_id);
    if (channel === undefined || channel.enabled !== 1) {
      throw new BerthError("CONFLICT", `the channel of ${id} is ${channel === undefined ? "gone" : "disabled"}`, {
        hint: "add the channel again with `berth alerts:channels:add`",
      });
    }
    // The same notification (and webhook-id), so a receiver that already has it can tell.
    const copy = deliveryRow(JSON.parse(original.body) as Notification, original.channel_id, original.rule_id, Date.now());
    await insertDelivery(deps.store.db, copy);
    ctx.status = 201;
    ctx.body = deliveryView(copy);
  });

  router.get("/v2/apps/:id/alerts/:rule", async (ctx) => {
    ctx.body = ruleView((await rule(ctx)).row);
  });

  router.patch("/v2/apps/:id/alerts/:rule", async (ctx) => {
    const { app, row } = await rule(ctx);
    const current = ruleView(row);
    const change = updateRuleInput(await readJson(ctx, deps.settings.bodyLimit), current, tickSeconds);
    if (change.channels !== undefined) await checkChannels(deps.store.db, app.id, change.channels);
    const { shape } = change;
    await updateRule(deps.store.db, row.id, {
      threshold: shape.threshold,
      window_s: shape.windowSeconds,
      for_s: shape.forSeconds,
      min_requests: shape.minRequests,
      ...(change.channels === undefined ? {} : { channels: JSON.stringify(change.channels) }),
      ...(change.enabled === undefined ? {} : { enabled: change.enabled ? 1 : 0 }),
      // A disabled rule forgets its state: enabled again, it starts from ok.
      ...(change.enabled === false ? { state: "ok", state_since: new Date().toISOString(), clear_since: null } : {}),
    });
    ctx.body = ruleView((await findRule(deps.store.db, app.id, row.id))!);
  });

  router.delete("/v2/apps/:id/alerts/:rule", async (ctx) => {
    const { app, row } = await rule(ctx);
    await deleteRule(deps.store.db, app.id, row.id);
    ctx.status = 204;
  });

  router.post("/v2/apps/:id/alerts/:rule/silence", async (ctx) => {
    const { app, row } = await rule(ctx);
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["forSeconds"], "");
    const seconds = body.forSeconds;
    if (typeof seconds !== "number" || !Number.isInteger(seconds) || seconds < 0 || seconds > 30 * 86_400) {
      throw invalid(
        "forSeconds",
        "must be whole seconds from 0 (lift the silence) to 30 days",
        "e.g. `berth alerts:silence r-1a2b3c --for 1h`",
      );
    }
    const until = seconds === 0 ? null : new Date(Date.now() + seconds * 1000).toISOString();
    await updateRule(deps.store.db, row.id, { silenced_until: until });
    ctx.body = ruleView((await findRule(deps.store.db, app.id, row.id))!);
  });
}
