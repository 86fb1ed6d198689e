import { appOption, type Command, defineCommand, jsonOption, limitOption } from "../command.ts";
import { setUpGit } from "../credentials.ts";
import { UsageError } from "../errors.ts";
import { formation, when } from "../format.ts";
import { git, gitUrl, inRepository, remotes } from "../git.ts";
import { noteTruncated, pageOf } from "../paging.ts";

const create = defineCommand({
  name: "create",
  group: "apps",
  aliases: ["apps:create"],
  summary: "create an app (a random name when none is given) and its git remote",
  usage: "[name]",
  options: {
    remote: { type: "string", short: "r", description: "name of the git remote to add (default berth)", placeholder: "name" },
    "no-remote": { type: "boolean", description: "do not add a git remote" },
  },
  args: { min: 0, max: 1 },
  examples: [
    ["berth create myapp", "create myapp and add the git remote berth in this repository"],
    ["berth create --no-remote", "an app with a random name, no remote"],
  ],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const remoteName = flags.remote ?? "berth";
    const addRemote = flags["no-remote"] !== true && (await inRepository(ctx.git));
    // Refuse before creating anything, so a clash leaves no half-made app behind.
    if (addRemote && (await remotes(ctx.git)).has(remoteName)) {
      throw new UsageError(
        `this repository has a git remote "${remoteName}" already`,
        "pass --remote <other-name>, or --no-remote and `berth git:remote -f` later",
      );
    }
    const app = await session.client.apps.create(args[0]);
    ctx.out.line(`created ${app.id} — ${app.url}`);
    if (addRemote) {
      await git(["remote", "add", remoteName, gitUrl(session.controller, app.id)], ctx.git);
      await setUpGit(ctx, session.controller);
      ctx.out.line(`git remote ${remoteName} added: deploy with \`git push ${remoteName} main\``);
    } else if (flags["no-remote"] !== true) {
      ctx.out.line(`not in a git repository: add the remote later with \`berth git:remote -a ${app.id}\``);
    }
  },
});

const list = defineCommand({
  name: "apps:list",
  group: "apps",
  aliases: ["apps"],
  summary: "list the apps you can use",
  options: { ...jsonOption, ...limitOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth apps", "list your apps"],
    ["berth apps --json | jq -r '.[].id'", "their names, for a script"],
  ],
  async run({ flags }, ctx) {
    const { client } = await ctx.session();
    const page = await client.apps.list(pageOf(flags.limit));
    if (flags.json) return ctx.out.json(page.results);
    if (page.count === 0) return ctx.out.line("no apps yet: create one with `berth create <name>`");
    ctx.out.table(
      ["app", "owner", "url", "created"],
      page.results.map((app) => [app.id, app.owner, app.url, when(app.created)]),
    );
    noteTruncated(ctx.err, page, "apps");
  },
});

const info = defineCommand({
  name: "info",
  group: "apps",
  aliases: ["apps:info"],
  summary: "show an app: owner, URL, processes and the live release",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [["berth info -a myapp", "show myapp"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const id = await ctx.app(flags.app, session);
    const [app, releases] = await Promise.all([session.client.apps.get(id), session.client.releases.list(id, { limit: 1 })]);
    const latest = releases.results[0];
    if (flags.json) return ctx.out.json({ ...app, release: latest ?? null, git: gitUrl(session.controller, app.id) });
    ctx.out.heading(`${app.id} Application`);
    ctx.out.fields([
      ["owner", app.owner],
      ["url", app.url],
      ["git", gitUrl(session.controller, app.id)],
      ["processes", formation(app.structure)],
      ["release", latest ? `v${latest.version} ${latest.state} — ${latest.summary}` : "none"],
      ["created", when(app.created)],
      ["updated", when(app.updated)],
    ]);
  },
});

const open = defineCommand({
  name: "open",
  group: "apps",
  aliases: ["apps:open"],
  summary: "open the app's URL in a browser",
  options: { ...appOption },
  args: { min: 0, max: 0 },
  examples: [["berth open -a myapp", "open http://myapp.<domain>"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await session.client.apps.get(await ctx.app(flags.app, session));
    ctx.out.line(`opening ${app.url}`);
    await ctx.deps.openUrl(app.url);
  },
});

const destroy = defineCommand({
  name: "destroy",
  group: "apps",
  aliases: ["apps:destroy"],
  summary: "delete an app, everything it runs, and its git remotes here",
  options: { ...appOption, confirm: { type: "string", description: "the app's name, to confirm without a prompt", placeholder: "app" } },
  args: { min: 0, max: 0 },
  examples: [
    ["berth destroy -a myapp", "asks you to type myapp to confirm"],
    ["berth destroy -a myapp --confirm=myapp", "no prompt (scripts)"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const id = await ctx.app(flags.app, session);
    const typed =
      flags.confirm ??
      (await ctx.ask(
        `This deletes ${id} and everything it runs. Type ${id} to confirm:`,
        `pass --confirm=${id} to destroy without a prompt`,
      ));
    if (typed !== id) throw new UsageError(`"${typed}" is not "${id}"; nothing was destroyed`, `pass --confirm=${id}`);
    await session.client.apps.destroy(id);
    ctx.out.line(`destroyed ${id}`);
    for (const [name, url] of await remotes(ctx.git)) {
      if (url === gitUrl(session.controller, id)) {
        await git(["remote", "remove", name], ctx.git);
        ctx.out.line(`git remote ${name} removed`);
      }
    }
  },
});

const transfer = defineCommand({
  name: "apps:transfer",
  summary: "make another user the app's owner",
  usage: "<user>",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [["berth apps:transfer bob -a myapp", "bob owns myapp from now on"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const id = await ctx.app(flags.app, session);
    const app = await session.client.apps.transfer(id, args[0] ?? "");
    ctx.out.line(`${app.id} now belongs to ${app.owner}`);
  },
});

export const commands: Command[] = [create, list, info, open, destroy, transfer];
