import { type Command, defineCommand, jsonOption, limitOption } from "../command.ts";
import { when } from "../format.ts";
import { noteTruncated, pageOf } from "../paging.ts";

const list = defineCommand({
  name: "users:list",
  group: "users",
  aliases: ["users"],
  summary: "list every user of the platform (administrators only)",
  options: { ...jsonOption, ...limitOption },
  args: { min: 0, max: 0 },
  examples: [["berth users", "all users; administrators are marked *"]],
  async run({ flags }, ctx) {
    const { client } = await ctx.session();
    const page = await client.users.list(pageOf(flags.limit));
    if (flags.json) return ctx.out.json(page.results);
    ctx.out.table(
      ["user", "email", "created"],
      page.results.map((user) => [`${user.username}${user.isAdmin ? " *" : ""}`, user.email || "-", when(user.created)]),
    );
    noteTruncated(ctx.err, page, "users");
  },
});

export const commands: Command[] = [list];
