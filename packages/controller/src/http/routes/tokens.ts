import type { Page, TokenInfo } from "@berth/api";
import type { Router } from "@koa/router";
import { hashToken, newToken } from "../../auth/secrets.ts";
import { pageQuery } from "../../domain/validate.ts";
import { tokenView } from "../../domain/views.ts";
import { BerthError } from "../../errors.ts";
import type { UserRow } from "../../store/schema.ts";
import { deleteToken, insertToken, listTokens, trimTokens } from "../../store/tokens.ts";
import { requireUser } from "../access.ts";
import type { Ctx, RouteDeps, State } from "../context.ts";

/** `login via berth-cli/0.1.0 (laptop)`: how a token came to be and which client asked, for the list. */
function tokenLabel(ctx: Ctx, how: string): string {
  // The client names itself; it is shown back to the same user only, without control characters.
  const agent = ctx
    .get("user-agent")
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .trim()
    .slice(0, 120);
  return `${how} via ${agent === "" ? "an unnamed client" : agent}`;
}

/**
 * Issues a new token for `user` and returns the secret (shown once). A user holds at most
 * `maxTokensPerUser` live tokens: beyond that the least recently used ones are revoked.
 */
export async function issueToken(deps: RouteDeps, ctx: Ctx, user: UserRow, how: string): Promise<string> {
  const token = newToken();
  const row = await insertToken(deps.store.db, { userId: user.id, tokenHash: hashToken(token), label: tokenLabel(ctx, how) });
  const revoked = await trimTokens(deps.store.db, user.id, deps.settings.maxTokensPerUser, row.id);
  if (revoked > 0) deps.logger.info("oldest tokens revoked", { username: user.username, revoked, max: deps.settings.maxTokensPerUser });
  return token;
}

export function tokenRoutes(router: Router<State>, deps: RouteDeps): void {
  router.get("/v2/auth/tokens", async (ctx) => {
    const user = requireUser(ctx);
    const { limit, offset } = pageQuery(ctx.query);
    const { count, rows } = await listTokens(deps.store.db, user.id, limit, offset);
    const page: Page<TokenInfo> = { count, results: rows.map((row) => tokenView(row, ctx.state.tokenId)) };
    ctx.body = page;
  });

  router.delete("/v2/auth/tokens/:id", async (ctx) => {
    const user = requireUser(ctx);
    const id = ctx.params.id ?? "";
    const revoked = await deleteToken(deps.store.db, user.id, id);
    if (revoked === undefined) {
      throw new BerthError("TOKEN_NOT_FOUND", `you have no token "${id}"`, { hint: "`berth auth:tokens` lists yours" });
    }
    deps.logger.info("token revoked", { username: user.username, token: id });
    const answer: TokenInfo = tokenView(revoked, ctx.state.tokenId);
    ctx.body = answer;
  });
}
