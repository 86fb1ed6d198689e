import { timingSafeEqual } from "node:crypto";
import { ROUTER_KEY_HEADER } from "@berth/api";
import { BerthError } from "../errors.ts";
import { type AppAccess, appFor } from "../services/apps.ts";
import type { AppWithOwner } from "../store/apps.ts";
import type { UserRow } from "../store/schema.ts";
import type { Ctx, RouteDeps } from "./context.ts";

export function requireUser(ctx: Ctx): UserRow {
  const user = ctx.state.user;
  if (user === undefined) {
    throw new BerthError("UNAUTHENTICATED", "this route needs a logged-in user", {
      hint: "log in with `berth login`, or send Authorization: Bearer <token>",
    });
  }
  return user;
}

export function requireAdmin(ctx: Ctx): UserRow {
  const user = requireUser(ctx);
  if (user.is_admin !== 1) throw new BerthError("FORBIDDEN", "only administrators may do this");
  return user;
}

/** Loads the app named in the route for the logged-in user, or 404; 403 when they may not act on it (see `appFor`). */
export async function loadApp(ctx: Ctx, deps: RouteDeps, access: AppAccess): Promise<{ app: AppWithOwner; user: UserRow }> {
  const user = requireUser(ctx);
  return { app: await appFor(deps.store.db, user, ctx.params.id ?? "", access), user };
}

export function actor(user: UserRow): { id: string; username: string } {
  return { id: user.id, username: user.username };
}

/** Routes for routers only (the route table, their status and metrics reports): the router key, or 401. */
export function requireRouter(ctx: Ctx, key: string): void {
  const given = Buffer.from(ctx.get(ROUTER_KEY_HEADER));
  const expected = Buffer.from(key);
  if (key === "" || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BerthError("UNAUTHENTICATED", "this route is for the router only", {
      hint: "send the router key in X-Berth-Router-Key",
    });
  }
}
