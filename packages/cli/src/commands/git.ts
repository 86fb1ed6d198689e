import { appOption, type Command, defineCommand } from "../command.ts";
import type { Context } from "../context.ts";
import { UsageError } from "../errors.ts";
import { appOfGitUrl, git, gitUrl, inRepository, remotes } from "../git.ts";
import { readProfile } from "../profile.ts";
import { variable } from "../variables.ts";

async function requireRepository(ctx: Context): Promise<void> {
  if (!(await inRepository(ctx.git))) {
    throw new UsageError(`${ctx.deps.cwd} is not in a git repository`, "run the command in your app's repository (or `git init` first)");
  }
}

const remote = defineCommand({
  name: "git:remote",
  summary: "add the app's git remote to this repository",
  options: {
    ...appOption,
    remote: { type: "string", short: "r", description: "name of the remote (default berth)", placeholder: "name" },
    force: { type: "boolean", short: "f", description: "replace a remote of that name" },
  },
  args: { min: 0, max: 0 },
  examples: [
    ["berth git:remote -a myapp", "add the remote berth for myapp"],
    ["berth git:remote -a myapp -r prod -f", "point the remote prod at myapp, replacing it"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    await requireRepository(ctx);
    const app = await session.client.apps.get(await ctx.app(flags.app, session));
    const name = flags.remote ?? "berth";
    const url = gitUrl(session.controller, app.id);
    const existing = (await remotes(ctx.git)).get(name);
    if (existing === url) {
      ctx.out.line(`git remote ${name} already points at ${app.id}`);
      return;
    }
    if (existing !== undefined && flags.force !== true) {
      throw new UsageError(`this repository has a git remote "${name}" already (${existing})`, "pass -f to replace it, or -r <other-name>");
    }
    if (existing !== undefined) await git(["remote", "remove", name], ctx.git);
    await git(["remote", "add", name, url], ctx.git);
    ctx.out.line(`git remote ${name} added: deploy with \`git push ${name} main\``);
  },
});

const remove = defineCommand({
  name: "git:remove",
  summary: "remove the app's git remotes from this repository",
  options: { ...appOption },
  args: { min: 0, max: 0 },
  examples: [["berth git:remove -a myapp", "remove every remote that points at myapp"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    await requireRepository(ctx);
    const app = await ctx.app(flags.app, session);
    const found = [...(await remotes(ctx.git))].filter(([, url]) => appOfGitUrl(url, session.controller) === app);
    if (found.length === 0) {
      ctx.out.line(`no git remote here points at ${app}`);
      return;
    }
    for (const [name] of found) {
      await git(["remote", "remove", name], ctx.git);
      ctx.out.line(`git remote ${name} removed`);
    }
  },
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** Git's credential helper protocol: `key=value` lines in, `username`/`password` lines out for `get`. */
const credential = defineCommand({
  name: "git-credential",
  summary: "git's credential helper: answers with the profile's username and token",
  usage: "<get|store|erase>",
  hidden: true,
  options: {},
  args: { min: 1, max: 1 },
  examples: [["git config --global credential.http://berth.localhost:8080.helper '!berth git-credential'", "what login sets up"]],
  async run({ args }, ctx) {
    const request = Object.fromEntries(
      (await readAll(ctx.deps.stdin))
        .split("\n")
        .map((line) => line.split(/=(.*)/s, 2) as [string, string])
        .filter(([key, value]) => key !== "" && value !== undefined),
    );
    // store and erase concern git's own caches: berth's token lives in the profile.
    if (args[0] !== "get") return;
    const profile = await readProfile(ctx.profilePath).catch(() => undefined);
    const token = variable(ctx.deps.env, "token") ?? profile?.token;
    const controller = variable(ctx.deps.env, "url") ?? profile?.controller;
    if (token === undefined || controller === undefined || profile === undefined) return;
    const platform = new URL(controller);
    if (request.protocol !== platform.protocol.slice(0, -1) || request.host !== platform.host) return;
    ctx.out.line(`username=${profile.username}`);
    ctx.out.line(`password=${token}`);
  },
});

export const commands: Command[] = [remote, remove, credential];
