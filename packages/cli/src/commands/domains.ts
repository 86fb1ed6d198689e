import { appOption, type Command, defineCommand, jsonOption } from "../command.ts";
import { when } from "../format.ts";

const list = defineCommand({
  name: "domains:list",
  group: "domains",
  aliases: ["domains"],
  summary: "list the custom domains routed to the app",
  options: { ...appOption, ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [
    ["berth domains -a myapp", "the domains of myapp besides its platform URL"],
    ["berth domains --json", "as JSON, for a script"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const page = await session.client.domains.list(app);
    if (flags.json) return ctx.out.json(page.results);
    if (page.results.length === 0) {
      ctx.out.line(`${app} has no custom domains: add one with \`berth domains:add www.example.com -a ${app}\``);
      return;
    }
    ctx.out.heading(`${app} Domains`);
    ctx.out.table(
      ["domain", "added"],
      page.results.map((domain) => [domain.domain, when(domain.created)]),
    );
  },
});

const add = defineCommand({
  name: "domains:add",
  summary: "route a domain (or *.wildcard) to the app",
  usage: "<domain>",
  description: "Point the domain's DNS at the platform's router; the router then sends its requests to the app.",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [
    ["berth domains:add www.example.com -a myapp", "serve myapp at www.example.com"],
    ["berth domains:add '*.example.com'", "every subdomain of example.com"],
  ],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const domain = await session.client.domains.add(app, args[0] ?? "");
    ctx.out.line(`${domain.domain} now routes to ${app}`);
  },
});

const remove = defineCommand({
  name: "domains:remove",
  summary: "stop routing a domain to the app",
  usage: "<domain>",
  options: { ...appOption },
  args: { min: 1, max: 1 },
  examples: [["berth domains:remove www.example.com -a myapp", "www.example.com no longer reaches myapp"]],
  async run({ args, flags }, ctx) {
    const session = await ctx.session();
    const app = await ctx.app(flags.app, session);
    const domain = (args[0] ?? "").trim().toLowerCase().replace(/\.$/, "");
    await session.client.domains.remove(app, domain);
    ctx.out.line(`${domain} no longer routes to ${app}`);
  },
});

export const commands: Command[] = [list, add, remove];
