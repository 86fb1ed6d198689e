import { PassThrough } from "node:stream";
import { type Domain, ROUTER_STATUS_PATH, type RouterStatus } from "@berth/api";
import type { Router } from "@koa/router";
import { asObject, onlyKeys, requiredString } from "../../domain/validate.ts";
import { BerthError, invalid } from "../../errors.ts";
import { settingsRow, settingsView, validateSettingsChange } from "../../route-table/settings.ts";
import { buildRouteTable } from "../../route-table/table.ts";
import { deleteDomain, findDomain, findSettings, insertDomain, listDomains, saveSettings } from "../../store/routing.ts";
import type { DomainRow } from "../../store/schema.ts";
import { loadApp, requireRouter } from "../access.ts";
import { readJson } from "../body.ts";
import type { RouteDeps, State } from "../context.ts";

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A host name of two or more DNS labels, optionally with a leading `*.` wildcard. */
function validateDomain(value: string, platformDomain: string): string {
  const domain = value.trim().toLowerCase().replace(/\.$/, "");
  const labels = (domain.startsWith("*.") ? domain.slice(2) : domain).split(".");
  if (domain.length > 253 || labels.length < 2 || !labels.every((l) => label.test(l)) || /^[0-9.]+$/.test(domain)) {
    throw invalid("domain", `"${value.slice(0, 253)}" is not a domain name`, "e.g. www.example.com");
  }
  if (domain === platformDomain || domain.endsWith(`.${platformDomain}`)) {
    throw invalid("domain", `"${domain}" is under the platform domain ${platformDomain}`, `apps already answer at <app>.${platformDomain}`);
  }
  return domain;
}

function domainView(row: DomainRow): Domain {
  return { domain: row.domain, app: row.app_id, created: row.created };
}

/** A router's status report, checked field by field: it decides when instances may be stopped. */
function validateRouterStatus(value: unknown): RouterStatus {
  const body = asObject(value, "body");
  onlyKeys(body, ["router", "version", "routing", "busy"], "");
  const router = requiredString(body, "router", 253);
  if (router.trim() === "") throw invalid("router", "must name the router", "a pod name, or host and pid");
  if (typeof body.version !== "number" || !Number.isFinite(body.version)) throw invalid("version", "must be a route table version");
  if (
    !Array.isArray(body.routing) ||
    body.routing.length > 100_000 ||
    !body.routing.every((a) => typeof a === "string" && a.length <= 300)
  ) {
    throw invalid("routing", "must be a list of upstream addresses");
  }
  const busyIn = asObject(body.busy ?? {}, "busy");
  const busy: Record<string, number> = Object.create(null);
  for (const [address, n] of Object.entries(busyIn)) {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0)
      throw invalid(`busy.${address.slice(0, 100)}`, "must be a count of requests");
    busy[address] = n;
  }
  return { router, version: body.version, routing: body.routing as string[], busy };
}

export function routingRoutes(router: Router<State>, deps: RouteDeps): void {
  const { platformDomain, trustedProxies } = deps.settings;
  const table = () => buildRouteTable(deps.store, deps.upstreams, deps.routeHub.version, { platformDomain, trustedProxies });

  router.get("/v2/apps/:id/domains", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const rows = await listDomains(deps.store.db, app.id);
    ctx.body = { count: rows.length, results: rows.map(domainView) };
  });

  router.post("/v2/apps/:id/domains", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["domain"], "");
    const domain = validateDomain(requiredString(body, "domain", 300), platformDomain);
    const taken = await findDomain(deps.store.db, domain);
    if (taken !== undefined) {
      throw new BerthError(
        "CONFLICT",
        taken.app_id === app.id ? `${domain} is already a domain of "${app.id}"` : `${domain} belongs to another app`,
        {
          hint: "a domain routes to one app only; remove it there first",
        },
      );
    }
    await insertDomain(deps.store.db, app.id, domain).catch(async (error: unknown) => {
      if (await findDomain(deps.store.db, domain)) throw new BerthError("CONFLICT", `${domain} was just taken`);
      throw error;
    });
    deps.routeHub.changed();
    const row = await findDomain(deps.store.db, domain);
    if (row === undefined) throw new BerthError("INTERNAL", "the domain vanished");
    ctx.status = 201;
    ctx.body = domainView(row);
  });

  router.delete("/v2/apps/:id/domains/:domain", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const domain = (ctx.params.domain ?? "").toLowerCase();
    if ((await deleteDomain(deps.store.db, app.id, domain)) === 0) {
      throw new BerthError("NOT_FOUND", `${domain} is not a domain of "${app.id}"`, { hint: "`berth domains` lists them" });
    }
    deps.routeHub.changed();
    ctx.status = 204;
  });

  router.get("/v2/apps/:id/settings", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    ctx.body = settingsView(app.id, await findSettings(deps.store.db, app.id));
  });

  router.post("/v2/apps/:id/settings", async (ctx) => {
    const { app } = await loadApp(ctx, deps, "use");
    const change = validateSettingsChange(await readJson(ctx, deps.settings.bodyLimit));
    const before = settingsView(app.id, await findSettings(deps.store.db, app.id));
    const after = { ...before, ...change };
    if (JSON.stringify(after) === JSON.stringify(before)) {
      throw new BerthError("NOTHING_CHANGED", "the settings already have these values", { hint: "`berth settings` shows them" });
    }
    await saveSettings(deps.store.db, settingsRow(after));
    deps.logger.info("settings changed", { app: app.id, fields: Object.keys(change) });
    deps.routeHub.changed();
    ctx.body = after;
  });

  router.post(ROUTER_STATUS_PATH, async (ctx) => {
    requireRouter(ctx, deps.settings.routerKey);
    deps.routers.record(validateRouterStatus(await readJson(ctx, deps.settings.bodyLimit)));
    ctx.status = 204;
  });

  router.get("/v2/routes", async (ctx) => {
    requireRouter(ctx, deps.settings.routerKey);
    if (ctx.query.watch !== "1" && ctx.query.watch !== "true") {
      ctx.body = await table();
      return;
    }
    const since = Number(ctx.query.since ?? "0");
    if (!Number.isFinite(since)) throw invalid("since", "must be a route table version");
    const stream = new PassThrough();
    let sent = since;
    let sending = Promise.resolve();
    // Changes may come in bursts; each send builds the newest table and skips versions already sent.
    const send = () => {
      sending = sending
        .then(async () => {
          if (deps.routeHub.version <= sent || stream.destroyed) return;
          const current = await table();
          sent = current.version;
          stream.write(`${JSON.stringify(current)}\n`);
        })
        .catch((error: unknown) => {
          deps.logger.error("route table stream failed", { err: error });
          stream.destroy();
        });
    };
    const unsubscribe = deps.routeHub.subscribe(send);
    // An empty line now and then: the router tells a quiet stream from a dead one, and no proxy or
    // client body timeout cuts it while the table does not change.
    const heartbeat = setInterval(() => {
      if (!stream.destroyed) stream.write("\n");
    }, deps.settings.routeHeartbeatMs);
    heartbeat.unref();
    const stop = () => {
      clearInterval(heartbeat);
      unsubscribe();
      stream.end();
    };
    // The response closes when the router goes away (the request closes as soon as its empty body is read).
    ctx.res.on("close", stop);
    stream.on("close", () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
    ctx.type = "application/x-ndjson";
    ctx.set("Cache-Control", "no-store");
    ctx.body = stream;
    // A resumed watch may have nothing to say for a while: the router must see the 200 at once.
    ctx.flushHeaders();
    send();
  });
}
