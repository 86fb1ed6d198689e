import { BerthError, appNotFound } from "../errors.ts";
import { type AppWithOwner, findApp, isCollaborator } from "../store/apps.ts";
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

/**
 * Who may do what to an app: `use` is the owner, collaborators and admins (everything but delete,
 * transfer and sharing); `own` is the owner and admins.
 */
export type AppAccess = "use" | "own";

/** Loads the app named in the route, or 404; 403 when the user may not act on it. */
export async function loadApp(ctx: Ctx, deps: RouteDeps, access: AppAccess): Promise<{ app: AppWithOwner; user: UserRow }> {
  const user = requireUser(ctx);
  const id = ctx.params.id ?? "";
  const app = await findApp(deps.store.db, id);
  if (app === undefined) throw appNotFound(id);
  if (user.is_admin === 1 || app.owner_id === user.id) return { app, user };
  if (access === "own") {
    throw new BerthError("FORBIDDEN", `only the owner of "${id}" or an administrator may do this`);
  }
  if (await isCollaborator(deps.store.db, app.id, user.id)) return { app, user };
  throw new BerthError("FORBIDDEN", `you do not have access to app "${id}"`, {
    hint: "ask its owner to share it with you (`berth perms:create <you> -a <app>`)",
  });
}

export function actor(user: UserRow): { id: string; username: string } {
  return { id: user.id, username: user.username };
}
