import type { CreatedChannel } from "@berth/api";
import type { Router } from "@koa/router";
import { channelFromRequest } from "../../alerts/channel-input.ts";
import { attempt, testResult } from "../../alerts/dispatcher.ts";
import { notification } from "../../alerts/notify.ts";
import { channelView } from "../../alerts/views.ts";
import { BerthError } from "../../errors.ts";
import { deletePlatformChannel, findChannel, insertChannel, listPlatformChannels } from "../../store/alerts.ts";
import { requireAdmin } from "../access.ts";
import { readJson } from "../body.ts";
import type { RouteDeps, State } from "../context.ts";

const notFound = (id: string) =>
  new BerthError("NOT_FOUND", `"${id}" is not a platform alert channel`, { hint: "`berth alerts:channels --platform` lists them" });

/** Platform channels: an admin's receivers of every app's notifications (`/v2/alerts/channels`). */
export function platformChannelRoutes(router: Router<State>, deps: RouteDeps): void {
  const { alerts } = deps.settings;

  router.get("/v2/alerts/channels", async (ctx) => {
    requireAdmin(ctx);
    const rows = await listPlatformChannels(deps.store.db);
    ctx.body = { count: rows.length, results: rows.map(channelView) };
  });

  router.post("/v2/alerts/channels", async (ctx) => {
    const admin = requireAdmin(ctx);
    const channel = await channelFromRequest(await readJson(ctx, deps.settings.bodyLimit), null, alerts.allowPrivate);
    await insertChannel(deps.store.db, channel);
    deps.logger.info("platform alert channel added", { channel: channel.id, type: channel.type, by: admin.username });
    ctx.status = 201;
    ctx.body = {
      ...channelView(channel),
      ...(channel.secret === null ? {} : { secret: channel.secret }),
      defaultRules: [],
    } satisfies CreatedChannel;
  });

  router.delete("/v2/alerts/channels/:channel", async (ctx) => {
    requireAdmin(ctx);
    const id = ctx.params.channel ?? "";
    if (!(await deletePlatformChannel(deps.store.db, id))) throw notFound(id);
    ctx.status = 204;
  });

  router.post("/v2/alerts/channels/:channel/test", async (ctx) => {
    requireAdmin(ctx);
    const id = ctx.params.channel ?? "";
    const channel = await findChannel(deps.store.db, id);
    if (channel === undefined || channel.app_id !== null) throw notFound(id);
    const now = Date.now();
    // About the platform itself (its own host, `berth.<domain>`): no app, no release.
    const n = await notification(
      deps.store.db,
      deps.settings.appUrlTemplate,
      { id: "test", app_id: "berth", kind: "test", summary: "a test notification from `berth alerts:test --platform`" },
      "test",
      "this is a test: nothing is wrong",
      new Date(now).toISOString(),
      now,
    );
    ctx.body = testResult(await attempt(channel, n, alerts));
  });
}
