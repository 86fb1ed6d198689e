import { appOption, type Command, defineCommand, jsonOption } from "../command.ts";

const list = defineCommand({
  name: "perms:list",
  group: "perms",
  aliases: ["perms", "sharing"],
  summary: "list the users who share the app with its owner",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [["berth perms -a myapp", "who may push to and change myapp"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const { users } = await session.client.perms.list(app);
    if (flags.json) return ctx.out.json(users);
    if (users.length === 0) {
      ctx.out.line(`only the owner of ${app} (and administrators) may use it: share it with \`berth perms:create <user> -a ${app}\``);
      return;
    }
    ctx.out.heading(`${app} Collaborators`);
    for (const user of users) ctx.out.line(user);
  },
});

const create = defineCommand({
  name: "perms:create",
  aliases: ["sharing:add"],
  summary: "let a user deploy and change the app (not delete, transfer or share it)",
  usage: "<user>",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [["berth perms:create bob -a myapp", "bob may now push to myapp"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    await session.client.perms.grant(app, args[0] ?? "");
    ctx.out.line(`${args[0]} may now use ${app}`);
  },
});

const remove = defineCommand({
  name: "perms:delete",
  aliases: ["sharing:remove"],
  summary: "take a user's access to the app away",
  usage: "<user>",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [["berth perms:delete bob -a myapp", "bob may no longer use myapp"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    await session.client.perms.revoke(app, args[0] ?? "");
    ctx.out.line(`${args[0]} may no longer use ${app}`);
  },
});

export const commands: Command[] = [list, create, remove];
