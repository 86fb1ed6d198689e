import type {
  AlertChannel,
  AlertDelivery,
  AlertHistoryEntry,
  AlertKind,
  AlertRule,
  ChannelTestResult,
  CreateAlertRuleRequest,
  CreateChannelRequest,
  CreatedChannel,
  ErrorEnvelope,
  Fetch,
  Page,
  SilenceRequest,
  UpdateAlertRuleRequest,
  User,
} from "@berth/api";

/** What the fake controller knows of alerts, for every app; tests fill it and read it back. */
export interface AlertsState {
  rules: AlertRule[];
  /** An app's, and the platform's (`app` null). */
  channels: AlertChannel[];
  /** By app: the entries carry no app of their own. */
  history: Record<string, AlertHistoryEntry[]>;
  deliveries: AlertDelivery[];
  /** What a test send to a channel answers; by default 200 `ok` in 38 ms. */
  tests: Record<string, ChannelTestResult>;
}

/** One request the fake saw, alert route or not: method, path with query, and the JSON body. */
export interface SeenRequest {
  method: string;
  url: URL;
  body: unknown;
}

export const emptyAlerts = (): AlertsState => ({ rules: [], channels: [], history: {}, deliveries: [], tests: {} });

const created = "2026-11-25T09:00:00.000Z";
let ids = 0;
const nextId = (prefix: string) => `${prefix}-${(0xa00000 + ++ids).toString(16)}`;

/** The kind's defaults, as `POST /alerts` fills in what was left out. */
const DEFAULTS: Record<AlertKind, Pick<AlertRule, "threshold" | "windowSeconds" | "forSeconds" | "minRequests">> = {
  errors: { threshold: 5, windowSeconds: 300, forSeconds: 120, minRequests: 20 },
  latency: { threshold: 1000, windowSeconds: 300, forSeconds: 300, minRequests: null },
  crashes: { threshold: 3, windowSeconds: 600, forSeconds: 0, minRequests: null },
  down: { threshold: null, windowSeconds: 60, forSeconds: 60, minRequests: null },
  memory: { threshold: 90, windowSeconds: 300, forSeconds: 300, minRequests: null },
  "deploy-failed": { threshold: null, windowSeconds: null, forSeconds: 0, minRequests: null },
  "build-failed": { threshold: null, windowSeconds: null, forSeconds: 0, minRequests: null },
  rollback: { threshold: null, windowSeconds: null, forSeconds: 0, minRequests: null },
};

const span = (seconds: number | null) => ((seconds ?? 0) % 60 === 0 ? `${(seconds ?? 0) / 60} m` : `${seconds} s`);

/** A summary in the controller's words (as the contract's examples put them). */
export function summaryOf(rule: Pick<AlertRule, "kind" | "threshold" | "windowSeconds" | "forSeconds" | "minRequests">): string {
  const over = `over ${span(rule.windowSeconds)}`;
  const held = rule.forSeconds > 0 ? `, for ${span(rule.forSeconds)}` : "";
  const summaries: Record<AlertKind, string> = {
    errors: `5xx share above ${rule.threshold}% ${over} (at least ${rule.minRequests} requests)${held}`,
    latency: `p95 above ${rule.threshold} ms ${over}${held}`,
    crashes: `${rule.threshold} or more crashes ${over}${held}`,
    down: `no ready web instance, or every request failing${held}`,
    memory: `memory above ${rule.threshold}% of the limit ${over}${held}`,
    "deploy-failed": "every failed deploy",
    "build-failed": "every failed build",
    rollback: rule.threshold === 1 ? "every automatic rollback" : "every rollback",
  };
  return summaries[rule.kind];
}

/** A rule as the controller would store it: the kind's defaults, then `fields`. */
export function rule(app: string, kind: AlertKind, fields: Partial<AlertRule> = {}): AlertRule {
  const base: AlertRule = {
    id: nextId("r"),
    app,
    kind,
    ...DEFAULTS[kind],
    channels: [],
    enabled: true,
    state: "ok",
    stateSince: created,
    figure: null,
    silencedUntil: null,
    summary: "",
    created,
  };
  const merged = { ...base, ...fields };
  return { ...merged, summary: fields.summary ?? summaryOf(merged) };
}

const notFound = (what: string) =>
  Response.json({ error: { code: "NOT_FOUND", message: `${what} not found`, hint: "`berth alerts` lists them" } } satisfies ErrorEnvelope, {
    status: 404,
  });

const forbidden = () =>
  Response.json({ error: { code: "FORBIDDEN", message: "only administrators may do this" } } satisfies ErrorEnvelope, { status: 403 });

const page = <T>(results: T[]): Page<T> => ({ count: results.length, results });

/**
 * The controller's alert routes are being written: this fetch answers `/v2/apps/:id/alerts…` and the
 * platform's `/v2/alerts/channels…` from `state` with the contract's types, and passes every other
 * request (login, apps) to the real controller. It records every request in `seen`. It is no stand-in
 * for the server's checks: it validates nothing (any app, any threshold, any URL), needs only some
 * bearer token, and makes ids, defaults and summaries its own simple way; only unknown ids are
 * refused, with a 404, and the platform's routes ask the real controller who the token is (not
 * recorded in `seen`), answering 403 to anyone but an administrator.
 */
export function alertsFetch(state: AlertsState, seen: SeenRequest[], next: Fetch = globalThis.fetch): Fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body: unknown = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    seen.push({ method: init?.method ?? "GET", url, body });
    const platform = /^\/v2\/alerts\/channels(?:\/([^/]+))?(?:\/(test))?$/.exec(url.pathname);
    const match = /^\/v2\/apps\/([^/]+)\/alerts(?:\/(.*))?$/.exec(url.pathname);
    if (match === null && platform === null) return next(input, init);
    const authorization = new Headers(init?.headers).get("authorization");
    if (!authorization?.startsWith("Bearer ")) return new Response("{}", { status: 401 });
    if (platform !== null) {
      const whoami = await next(new URL("/v2/auth/whoami", url), { headers: { authorization } });
      if (!whoami.ok || !((await whoami.json()) as User).isAdmin) return forbidden();
      const [, id, action] = platform;
      return channels(state, null, init?.method ?? "GET", id === undefined ? undefined : decodeURIComponent(id), action, body);
    }
    if (match === null) return next(input, init);
    const app = decodeURIComponent(match[1] ?? "");
    const rest = (match[2] ?? "")
      .split("/")
      .filter((part) => part !== "")
      .map(decodeURIComponent);
    return answer(state, app, init?.method ?? "GET", rest, body, url.searchParams);
  };
}

function answer(state: AlertsState, app: string, method: string, path: string[], body: unknown, query: URLSearchParams): Response {
  const [first, id, action] = path;
  const rules = state.rules.filter((r) => r.app === app);
  if (first === undefined) {
    if (method === "GET") return Response.json(page(rules));
    const request = body as CreateAlertRuleRequest;
    const { kind, ...fields } = request;
    const made = rule(app, kind, fields);
    state.rules.push(made);
    return Response.json(made, { status: 201 });
  }
  if (first === "history") return Response.json(page(state.history[app] ?? []));
  if (first === "channels") return channels(state, app, method, id, action, body);
  if (first === "deliveries") {
    const mine = state.deliveries.filter((d) => d.app === app);
    if (id === undefined) return Response.json(page(mine.filter((d) => !query.has("status") || d.status === query.get("status"))));
    const found = mine.find((d) => d.id === id);
    if (found === undefined) return notFound(`delivery ${id}`);
    Object.assign(found, { status: "pending", nextAttempt: new Date().toISOString() });
    return Response.json(found);
  }
  const found = rules.find((r) => r.id === first);
  if (found === undefined) return notFound(`alert rule ${first}`);
  if (id === "silence") {
    const { forSeconds } = body as SilenceRequest;
    found.silencedUntil = forSeconds === 0 ? null : new Date(Date.now() + forSeconds * 1000).toISOString();
    return Response.json(found);
  }
  if (method === "DELETE") {
    state.rules.splice(state.rules.indexOf(found), 1);
    return new Response(null, { status: 204 });
  }
  if (method === "PATCH") {
    Object.assign(found, body as UpdateAlertRuleRequest);
    found.summary = summaryOf(found);
  }
  return Response.json(found);
}

/** An app's channels, or (`app` null) the platform's: the same but for the rules, which a platform channel brings none of. */
function channels(
  state: AlertsState,
  app: string | null,
  method: string,
  id: string | undefined,
  action: string | undefined,
  body: unknown,
) {
  const mine = state.channels.filter((c) => c.app === app);
  if (id === undefined) {
    if (method === "GET") return Response.json(page(mine));
    const { type, url } = body as CreateChannelRequest;
    const channel: AlertChannel = {
      id: nextId("c"),
      app,
      type,
      target: `${new URL(url).origin}/…`,
      enabled: true,
      disabledReason: null,
      created,
    };
    // The first channel of an app brings the rules nobody should have to think of.
    const defaultRules = app !== null && mine.length === 0 ? [rule(app, "deploy-failed"), rule(app, "crashes")] : [];
    state.channels.push(channel);
    state.rules.push(...defaultRules);
    const secret = type === "webhook" ? { secret: "whsec_MfKQ9r8GKYqrTFvJEw6ZzDVqCNl4dCxS" } : {};
    return Response.json({ ...channel, ...secret, defaultRules } satisfies CreatedChannel, { status: 201 });
  }
  const found = mine.find((c) => c.id === id);
  if (found === undefined) return notFound(`channel ${id}`);
  if (action === "test") {
    const ok: ChannelTestResult = { ok: true, status: 200, durationMs: 38, error: null, response: "ok" };
    return Response.json(state.tests[id] ?? ok);
  }
  state.channels.splice(state.channels.indexOf(found), 1);
  return new Response(null, { status: 204 });
}

const ago = (now: number, minutes: number) => new Date(now - minutes * 60_000).toISOString();

/**
 * An app as a person would find it mid-incident: errors firing, latency pending, crashes silenced
 * for an hour, a deploy-failed rule, a disabled memory rule; a Slack channel and a webhook its
 * receiver disabled; the history (stored newest first) and the deliveries that came of it.
 */
export function sampleAlerts(app: string, now = Date.now()): AlertsState {
  const errors = rule(app, "errors", { state: "firing", stateSince: ago(now, 8), figure: "5xx 12% of 840 requests over 5 m" });
  const latency = rule(app, "latency", { threshold: 800, state: "pending", stateSince: ago(now, 1), figure: "p95 910 ms over 5 m" });
  const crashes = rule(app, "crashes", { figure: "0 crashes over 10 m", silencedUntil: new Date(now + 3_600_000).toISOString() });
  const deploys = rule(app, "deploy-failed");
  const memory = rule(app, "memory", { enabled: false, figure: "memory 41% of the limit over 5 m" });
  const slack: AlertChannel = {
    id: nextId("c"),
    app,
    type: "slack",
    target: "https://hooks.slack.com/…",
    enabled: true,
    disabledReason: null,
    created,
  };
  const hook: AlertChannel = {
    ...slack,
    id: nextId("c"),
    type: "webhook",
    target: "https://ops.example.com/…",
    enabled: false,
    disabledReason: "its receiver answered 410 Gone",
  };
  const delivery = (fields: Partial<AlertDelivery> & Pick<AlertDelivery, "channel" | "title">): AlertDelivery => ({
    id: nextId("d"),
    app,
    rule: errors.id,
    kind: "firing",
    status: "delivered",
    attempts: 1,
    lastStatusCode: 200,
    lastError: null,
    lastDurationMs: 212,
    nextAttempt: null,
    created: ago(now, 6),
    updated: ago(now, 6),
    ...fields,
  });
  const title = `${app}: errors firing — 5xx 12% of 840 requests over 5 m`;
  return {
    rules: [errors, latency, crashes, deploys, memory],
    channels: [slack, hook],
    history: {
      [app]: [
        { time: ago(now, 1), rule: latency.id, kind: "latency", change: "pending", figure: "p95 910 ms over 5 m" },
        { time: ago(now, 6), rule: errors.id, kind: "errors", change: "firing", figure: "5xx 12% of 840 requests over 5 m" },
        { time: ago(now, 8), rule: errors.id, kind: "errors", change: "pending", figure: "5xx 7.1% of 512 requests over 5 m" },
        { time: ago(now, 95), rule: errors.id, kind: "errors", change: "resolved", figure: "5xx 0.4% of 1,204 requests over 5 m" },
      ],
    },
    deliveries: [
      delivery({
        channel: hook.id,
        title,
        status: "pending",
        attempts: 3,
        lastStatusCode: 503,
        lastDurationMs: 2140,
        nextAttempt: new Date(now + 270_000).toISOString(),
      }),
      delivery({ channel: slack.id, title }),
      delivery({
        channel: hook.id,
        rule: null,
        kind: "event",
        title: `${app}: deploy of v7 failed`,
        status: "failed",
        attempts: 10,
        lastStatusCode: null,
        lastError: "connection refused by 203.0.113.7:443",
        lastDurationMs: null,
        created: ago(now, 1500),
      }),
    ],
    tests: {},
  };
}
