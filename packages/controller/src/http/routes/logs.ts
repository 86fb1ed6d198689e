import { PassThrough } from "node:stream";
import type { LogEntry } from "@berth/api";
import type { Router } from "@koa/router";
import { invalid } from "../../errors.ts";
import { followLogs, readRecentLogs } from "../../logs/follow.ts";
import { loadApp } from "../access.ts";
import type { RouteDeps, State } from "../context.ts";

export function logRoutes(router: Router<State>, deps: RouteDeps): void {
  router.get("/v2/apps/:id/logs", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const raw = ctx.query.lines ?? ctx.query.log_lines;
    const lines = raw === undefined ? 100 : Number(raw);
    if (!Number.isInteger(lines) || lines < 0 || lines > 10_000) throw invalid("lines", "must be a whole number from 0 to 10000");
    const recent = await readRecentLogs(deps, app.id, lines);
    const start = recent.entries;
    const follow = ctx.query.follow === "1" || ctx.query.follow === "true";
    ctx.type = "application/x-ndjson";
    ctx.set("Cache-Control", "no-store");
    if (!follow) {
      ctx.body = start.map((e) => `${JSON.stringify(e)}\n`).join("");
      return;
    }
    const stream = new PassThrough();
    const write = (entry: LogEntry) => stream.write(`${JSON.stringify(entry)}\n`);
    start.forEach(write);
    const abort = new AbortController();
    // The stream ends cleanly when the client leaves.
    ctx.res.on("close", () => abort.abort());
    followLogs(deps, app.id, recent, write, abort.signal)
      .catch((err: unknown) => deps.logger.warn("log stream stopped", { app: app.id, err }))
      .finally(() => stream.end());
    ctx.body = stream;
    ctx.flushHeaders();
  });
}
