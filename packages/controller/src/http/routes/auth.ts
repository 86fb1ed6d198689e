import type {
  LoginRequest,
  PasswdRequest,
  PasswdResponse,
  RegisterRequest,
  RegisterResponse,
  RegistrationMode,
  TokenResponse,
} from "@berth/api";
import type { Router } from "@koa/router";
import { hashPassword, verifyPassword } from "../../auth/secrets.ts";
import { validateUsername } from "../../domain/names.ts";
import { asObject, onlyKeys, optionalString, pageQuery, requiredString } from "../../domain/validate.ts";
import { userView } from "../../domain/views.ts";
import { BerthError, invalid, userNotFound } from "../../errors.ts";
import type { UserRow } from "../../store/schema.ts";
import { deleteTokens } from "../../store/tokens.ts";
import { countUsers, findUserByName, insertAdmittedUser, listUsers, setPasswordHash } from "../../store/users.ts";
import { requireAdmin, requireUser } from "../access.ts";
import { readJson } from "../body.ts";
import type { RouteDeps, State } from "../context.ts";
import { issueToken } from "./tokens.ts";

/** Whether this caller may register someone now; the first user always may. */
function admit(first: boolean, caller: UserRow | undefined, mode: RegistrationMode): void {
  if (first || caller?.is_admin === 1) return;
  if (mode === "disabled") {
    throw new BerthError("REGISTRATION_CLOSED", "registration is disabled on this platform", { hint: "ask an administrator" });
  }
  if (mode === "admin_only") {
    throw new BerthError("REGISTRATION_CLOSED", "only administrators may register new users", {
      hint:
        caller === undefined
          ? "this platform already has users: ask an administrator to run `berth register` for you"
          : "ask an administrator to run `berth register` for you",
    });
  }
}

function userExists(username: string): BerthError {
  return new BerthError("USER_EXISTS", `user "${username}" already exists`, { hint: "log in with `berth login`, or pick another name" });
}

function validatePassword(body: Record<string, unknown>, key: string): string {
  const password = requiredString(body, key, 1024);
  if (password.length < 8) throw invalid(key, "must be at least 8 characters");
  return password;
}

function validateRegister(value: unknown): RegisterRequest {
  const body = asObject(value, "body");
  onlyKeys(body, ["username", "password", "email"], "");
  const username = validateUsername(body.username);
  const password = validatePassword(body, "password");
  const email = optionalString(body, "email", 254);
  if (email === undefined) return { username, password };
  if (email !== "" && !/^[^\s@]+@[^\s@]+$/.test(email)) throw invalid("email", "is not an email address");
  return { username, password, email };
}

function validateLogin(value: unknown): LoginRequest {
  const body = asObject(value, "body");
  return { username: requiredString(body, "username", 64), password: requiredString(body, "password", 1024) };
}

export function authRoutes(router: Router<State>, deps: RouteDeps): void {
  router.post("/v2/auth/register", async (ctx) => {
    const { username, password, email = "" } = validateRegister(await readJson(ctx, deps.settings.bodyLimit));
    const caller = ctx.state.user;
    const mode = deps.settings.registrationMode;
    // A quick refusal before the slow hash; the decision that counts is taken again under the lock.
    admit((await countUsers(deps.store.db)) === 0, caller, mode);
    if (await findUserByName(deps.store.db, username)) throw userExists(username);
    const passwordHash = await hashPassword(password);
    const user = await insertAdmittedUser(deps.store.db, deps.store.backend, { username, email, passwordHash }, (found) => {
      admit(found.first, caller, mode);
      if (found.nameTaken) throw userExists(username);
    });
    const first = user.is_admin === 1;
    deps.logger.info("user registered", { username, admin: first });
    const response: RegisterResponse = userView(user);
    // A token only for people registering themselves: an admin registering someone gets none of theirs.
    if (caller === undefined) response.token = await issueToken(deps, ctx, user, "registration");
    ctx.status = 201;
    ctx.body = response;
  });

  router.post("/v2/auth/login", async (ctx) => {
    const { username, password } = validateLogin(await readJson(ctx, deps.settings.bodyLimit));
    const user = await findUserByName(deps.store.db, username);
    // The same answer and similar work for an unknown user and a wrong password.
    const ok = user ? await verifyPassword(password, user.password_hash) : await hashPassword(password).then(() => false);
    if (!user || !ok) {
      throw new BerthError("INVALID_CREDENTIALS", "wrong username or password", { hint: "check both; an administrator can reset passwords" });
    }
    const response: TokenResponse = { username: user.username, token: await issueToken(deps, ctx, user, "login") };
    ctx.body = response;
  });

  router.get("/v2/auth/whoami", async (ctx) => {
    ctx.body = userView(requireUser(ctx));
  });

  router.post("/v2/auth/tokens", async (ctx) => {
    const caller = requireUser(ctx);
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body");
    onlyKeys(body, ["username"], "");
    const name = optionalString(body, "username", 64);
    let user = caller;
    if (name !== undefined && name !== caller.username) {
      requireAdmin(ctx);
      user = (await findUserByName(deps.store.db, name)) ?? throwNotFound(name);
    }
    await deleteTokens(deps.store.db, user.id);
    const how = user.id === caller.id ? "new token" : `new token from administrator ${caller.username}`;
    const response: TokenResponse = { username: user.username, token: await issueToken(deps, ctx, user, how) };
    ctx.body = response;
  });

  router.post("/v2/auth/passwd", async (ctx) => {
    const caller = requireUser(ctx);
    const body = asObject(await readJson(ctx, deps.settings.bodyLimit), "body") as Record<keyof PasswdRequest, unknown>;
    onlyKeys(body, ["password", "newPassword", "username"], "");
    const newPassword = validatePassword(body, "newPassword");
    const name = optionalString(body, "username", 64);
    let user = caller;
    if (name !== undefined && name !== caller.username) {
      requireAdmin(ctx);
      user = (await findUserByName(deps.store.db, name)) ?? throwNotFound(name);
    } else {
      const current = requiredString(body, "password", 1024);
      if (!(await verifyPassword(current, caller.password_hash))) {
        throw new BerthError("INVALID_CREDENTIALS", "the current password is wrong", { status: 400, field: "password" });
      }
    }
    const passwordHash = await hashPassword(newPassword);
    // Whoever knew the old password may hold a token: a change ends every session but the one asking
    // for it, and an administrator's reset ends them all.
    const keep = user.id === caller.id ? ctx.state.tokenId : undefined;
    const tokensRevoked = await deps.store.db.transaction().execute(async (tx) => {
      await setPasswordHash(tx, user.id, passwordHash);
      return deleteTokens(tx, user.id, keep);
    });
    deps.logger.info("password changed", { username: user.username, by: caller.username, tokensRevoked });
    const response: PasswdResponse = { username: user.username, tokensRevoked };
    ctx.body = response;
  });

  router.get("/v2/users", async (ctx) => {
    requireAdmin(ctx);
    const { limit, offset } = pageQuery(ctx.query);
    const { count, rows } = await listUsers(deps.store.db, limit, offset);
    ctx.body = { count, results: rows.map(userView) };
  });
}

function throwNotFound(username: string): never {
  throw userNotFound(username);
}
