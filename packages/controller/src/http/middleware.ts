import { randomUUID } from "node:crypto";
import { API_VERSION, type ErrorEnvelope, ROUTER_STATUS_PATH } from "@berth/api";
import type { Middleware } from "koa";
import { hashToken } from "../auth/secrets.ts";
import { BerthError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { findSession, touchSession } from "../store/tokens.ts";
import { ClientClosedRequest } from "./body.ts";
import type { RouteDeps, State } from "./context.ts";

/** The status nginx logs for a client that closed the connection before it was answered. */
const CLIENT_CLOSED = 499;

/**
 * What the platform asks of itself all day long — routers' status reports every 5 s, health probes —
 * is logged at debug level when it succeeds, so the log a person reads shows what people and pushes did.
 */
const ROUTINE_PATHS: ReadonlySet<string> = new Set([ROUTER_STATUS_PATH, "/healthz"]);

/** Turns every error into the JSON envelope, logs the unexpected ones, and writes one access line. */
export function errorsAndAccessLog(logger: Logger): Middleware<State> {
  return async (ctx, next) => {
    const started = performance.now();
    const incoming = ctx.get("x-request-id");
    ctx.state.requestId = /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    ctx.set("X-Request-Id", ctx.state.requestId);
    ctx.set("X-Berth-Api-Version", API_VERSION);
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        throw new BerthError("NOT_FOUND", `no route ${ctx.method} ${ctx.path}`, { hint: "see the API reference in README.md" });
      }
    } catch (error) {
      if (error instanceof ClientClosedRequest) {
        // Nobody is left to answer: the client's doing, not a server error.
        logger.debug("client closed the connection", { method: ctx.method, path: ctx.path, requestId: ctx.state.requestId });
        ctx.status = CLIENT_CLOSED;
      } else {
        const known = toBerthError(error);
        if (known.status >= 500) logger.error("request failed", { err: error, requestId: ctx.state.requestId });
        const body: ErrorEnvelope = { error: { code: known.code, message: known.message } };
        if (known.hint !== undefined) body.error.hint = known.hint;
        if (known.field !== undefined) body.error.field = known.field;
        ctx.status = known.status;
        ctx.body = body;
      }
    }
    const level = ctx.status < 400 && ROUTINE_PATHS.has(ctx.path) ? "debug" : "info";
    logger[level]("request", {
      method: ctx.method,
      path: ctx.path,
      status: ctx.status,
      ms: Math.round(performance.now() - started),
      user: ctx.state.user?.username,
      requestId: ctx.state.requestId,
    });
  };
}

function toBerthError(error: unknown): BerthError {
  if (error instanceof BerthError) return error;
  const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : 500;
  if (status === 405) return new BerthError("METHOD_NOT_ALLOWED", "this route does not take that method", { status });
  if (status >= 400 && status < 500) {
    return new BerthError("BAD_REQUEST", error instanceof Error ? error.message : "bad request", { status });
  }
  return new BerthError("INTERNAL", "internal error; the controller's log has the details", { cause: error });
}

/** Resolves `Authorization: Bearer <token>` (or Deis's `token <token>`) to a user, when present. */
export function authenticate(deps: RouteDeps): Middleware<State> {
  return async (ctx, next) => {
    const header = ctx.get("authorization");
    if (header !== "") {
      const match = /^(?:bearer|token)\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1]) {
        throw new BerthError("UNAUTHENTICATED", "the Authorization header must be `Bearer <token>`", {
          hint: "log in with `berth login` to get a token",
        });
      }
      const session = await findSession(deps.store.db, hashToken(match[1]));
      if (session === undefined) {
        throw new BerthError("UNAUTHENTICATED", "the token is not valid (it may have been revoked, regenerated or ended by a password change)", {
          hint: "log in again with `berth login`",
        });
      }
      ctx.state.user = session.user;
      ctx.state.tokenId = session.tokenId;
      await touchSession(deps.store.db, session);
    }
    await next();
  };
}

/** Deis accepted optional trailing slashes on every route; so do we. */
export const trimTrailingSlash: Middleware<State> = async (ctx, next) => {
  if (ctx.path.length > 1 && ctx.path.endsWith("/")) ctx.path = ctx.path.replace(/\/+$/, "");
  await next();
};
