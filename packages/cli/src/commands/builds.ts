import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Procfile } from "@berth/api";
import { appOption, type Command, defineCommand, jsonOption, limitOption, noWaitOption } from "../command.ts";
import { UsageError } from "../errors.ts";
import { when } from "../format.ts";
import { noteTruncated, pageOf } from "../paging.ts";

/** `web: node server.js` lines (a Procfile), from the option's text or the file it names. */
async function procfileOf(cwd: string, value: string): Promise<Procfile> {
  const text = await readFile(resolve(cwd, value), "utf8").catch(() => value);
  const procfile: Procfile = {};
  for (const line of text.split(/\r?\n|;/)) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const match = /^\s*([^:\s]+)\s*:\s*(.+?)\s*$/.exec(line);
    if (!match?.[1] || !match[2])
      throw new UsageError(`"${line.trim()}" is not a Procfile line`, 'use "type: command", e.g. --procfile "web: node server.js"');
    procfile[match[1]] = match[2];
  }
  return procfile;
}

const list = defineCommand({
  name: "builds:list",
  group: "builds",
  aliases: ["builds"],
  summary: "list the app's builds, newest first",
  options: { ...appOption, ...jsonOption, ...limitOption },
  args: { min: 0, max: 0 },
  examples: [["berth builds -a myapp", "the builds of myapp"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const page = await session.client.builds.list(app, pageOf(flags.limit));
    if (flags.json) return ctx.out.json(page.results);
    if (page.count === 0) {
      ctx.out.line(`${app} has no builds yet: \`git push berth main\`, or \`berth builds:create <image> -a ${app}\``);
      return;
    }
    ctx.out.heading(`${app} Builds`);
    ctx.out.table(
      ["uuid", "kind", "image", "sha", "owner", "created"],
      page.results.map((build) => [
        build.uuid.slice(0, 8),
        build.kind,
        build.image,
        build.sha.slice(0, 7) || "-",
        build.owner,
        when(build.created),
      ]),
    );
    noteTruncated(ctx.err, page, "builds");
  },
});

const info = defineCommand({
  name: "builds:info",
  summary: "show one build and its log",
  usage: "<uuid>",
  options: { ...appOption, ...jsonOption },
  args: { min: 1, max: 1 },
  examples: [["berth builds:info 3f2a9c1e -a myapp", "the build and what it printed"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    let uuid = args[0] ?? "";
    if (uuid.length < 36) {
      const all = await session.client.builds.list(app, { limit: 1000 });
      const matches = all.results.filter((build) => build.uuid.startsWith(uuid));
      if (matches.length !== 1) {
        throw new UsageError(
          `${matches.length === 0 ? "no" : "more than one"} build of ${app} starts with "${uuid}"`,
          `\`berth builds -a ${app}\` lists them`,
        );
      }
      uuid = matches[0]?.uuid ?? uuid;
    }
    const build = await session.client.builds.get(app, uuid);
    if (flags.json) return ctx.out.json(build);
    ctx.out.heading(`${app} Build ${build.uuid}`);
    ctx.out.fields([
      ["kind", build.kind],
      ["image", build.image],
      ["sha", build.sha || "-"],
      ["owner", build.owner],
      [
        "procfile",
        Object.entries(build.procfile)
          .map(([type, command]) => `${type}: ${command}`)
          .join("; ") || "-",
      ],
      ["duration", build.durationMs === null ? "-" : `${(build.durationMs / 1000).toFixed(1)} s`],
      ["created", when(build.created)],
    ]);
    if (build.log !== "") {
      ctx.out.line();
      ctx.out.line(build.log.trimEnd());
    }
  },
});

const create = defineCommand({
  name: "builds:create",
  aliases: ["pull"],
  summary: "deploy an existing Docker image (a new release)",
  usage: "<image>",
  options: {
    ...appOption,
    ...noWaitOption,
    procfile: { type: "string", description: 'process types: "web: cmd; worker: cmd", or a Procfile path', placeholder: "procfile" },
  },
  args: { min: 1, max: 1 },
  examples: [
    ["berth pull registry.example.com/team/web:1.4 -a myapp", "deploy an image"],
    ['berth builds:create web:2 --procfile "web: node server.js; worker: node jobs.js"', "with process types"],
  ],
  async run({ args, flags }, ctx) {
    const procfile = flags.procfile === undefined ? undefined : await procfileOf(ctx.deps.cwd, flags.procfile);
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const build = await session.client.builds.create(app, { image: args[0] ?? "", ...(procfile ? { procfile } : {}) });
    ctx.out.line(`build ${build.uuid.slice(0, 8)} of ${app}: ${build.image}`);
    const latest = (await session.client.releases.list(app, { limit: 1 })).results[0];
    if (latest !== undefined) await ctx.watch(session.client, app, latest.version, flags["no-wait"]);
  },
});

export const commands: Command[] = [list, info, create];
