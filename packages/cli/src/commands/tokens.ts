import { type Command, defineCommand, jsonOption, limitOption } from "../command.ts";
import { age, when } from "../format.ts";
import { noteTruncated, pageOf } from "../paging.ts";

const list = defineCommand({
  name: "auth:tokens",
  summary: "list your live API tokens: where each came from and when it was last used",
  description:
    "Each login, registration and `berth auth:token` issues a token; a user keeps at most 20, and one more\nrevokes the least recently used. The token this profile uses is marked *. Secrets are never shown.",
  options: { ...jsonOption, ...limitOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth auth:tokens", "your tokens, newest first"],
    ["berth auth:tokens:revoke 3f9c2a1b7d0e", "end the session that token belongs to"],
  ],
  async run({ flags }, ctx) {
    const { client } = await ctx.session();
    const page = await client.auth.tokens(pageOf(flags.limit));
    if (flags.json) return ctx.out.json(page.results);
    ctx.out.table(
      ["id", "label", "created", "last used"],
      page.results.map((token) => [
        `${token.id}${token.current ? " *" : ""}`,
        token.label,
        when(token.created),
        token.lastUsed === null ? "never" : `${age(token.lastUsed)} ago`,
      ]),
    );
    noteTruncated(ctx.err, page, "tokens");
  },
});

const revoke = defineCommand({
  name: "auth:tokens:revoke",
  summary: "revoke one of your API tokens (the session using it ends)",
  usage: "<id>",
  options: {},
  args: { min: 1, max: 1 },
  examples: [["berth auth:tokens:revoke 3f9c2a1b7d0e", "revoke the token with that id (`berth auth:tokens` lists them)"]],
  async run({ args }, ctx) {
    const { client } = await ctx.session();
    const revoked = await client.auth.revokeToken(args[0] ?? "");
    ctx.out.line(`revoked token ${revoked.id} (${revoked.label})`);
    if (revoked.current) ctx.err.line("that was this session's token: log in again with `berth login`");
  },
});

export const commands: Command[] = [list, revoke];
