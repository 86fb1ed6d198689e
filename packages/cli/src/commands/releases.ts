import { appOption, type Command, defineCommand, jsonOption, limitOption, noWaitOption } from "../command.ts";
import { UsageError } from "../errors.ts";
import { when } from "../format.ts";
import { noteTruncated, pageOf } from "../paging.ts";

/** `v3` or `3` → 3. */
function version(raw: string): number {
  const match = /^v?([1-9][0-9]{0,8})$/.exec(raw);
  if (!match?.[1]) throw new UsageError(`"${raw}" is not a release version`, "use v1, v2, … (`berth releases` lists them)");
  return Number(match[1]);
}

const list = defineCommand({
  name: "releases:list",
  group: "releases",
  aliases: ["releases"],
  summary: "list the app's releases, newest first",
  options: { ...appOption, ...jsonOption, ...limitOption },
  args: { min: 0, max: 0 },
  examples: [["berth releases -a myapp", "the release history of myapp"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const page = await session.client.releases.list(app, pageOf(flags.limit));
    if (flags.json) return ctx.out.json(page.results);
    ctx.out.heading(`${app} Releases`);
    const state = (s: string) => (s === "deployed" ? ctx.out.style("green", s) : s === "failed" ? ctx.out.style("red", s) : s);
    ctx.out.table(
      ["version", "state", "owner", "created", "summary"],
      page.results.map((release) => [`v${release.version}`, state(release.state), release.owner, when(release.created), release.summary]),
    );
    noteTruncated(ctx.err, page, "releases");
  },
});

const info = defineCommand({
  name: "releases:info",
  summary: "show one release",
  usage: "<vN>",
  options: { ...appOption, ...jsonOption },
  args: { min: 1, max: 1 },
  examples: [["berth releases:info v3 -a myapp", "what v3 is, and how its rollout went"]],
  async run({ args, flags }, ctx) {
    const n = version(args[0] ?? "");
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const release = await session.client.releases.get(app, n);
    if (flags.json) return ctx.out.json(release);
    ctx.out.heading(`${app} Release v${release.version}`);
    ctx.out.fields([
      ["state", release.state],
      ["summary", release.summary],
      ...(release.failure === null ? [] : ([["failure", release.failure]] as [string, string][])),
      ["owner", release.owner],
      ["build", release.build ?? "none"],
      ["config", release.config],
      ["created", when(release.created)],
      ["updated", when(release.updated)],
    ]);
  },
});

const rollback = defineCommand({
  name: "releases:rollback",
  aliases: ["rollback"],
  summary: "go back to an earlier release (default: the one before the live one) as a new release",
  usage: "[vN]",
  options: { ...appOption, ...noWaitOption },
  args: { min: 0, max: 1 },
  examples: [
    ["berth rollback -a myapp", "back to the release before the live one"],
    ["berth releases:rollback v3 -a myapp", "back to v3's build and config"],
  ],
  async run({ args, flags }, ctx) {
    const target = args[0] === undefined ? undefined : version(args[0]);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const release = await session.client.releases.rollback(app, target);
    ctx.out.line(`v${release.version}: ${release.summary}`);
    await ctx.watch(session.client, app, release.version, flags["no-wait"]);
  },
});

export const commands: Command[] = [list, info, rollback];
