import type { Command, CommandSummary } from "./command.ts";
import { CliError, UsageError } from "./errors.ts";
import { suggest } from "./suggest.ts";

/** A command as listed here: its help line, and the module to load only when it runs. */
export interface CommandEntry extends CommandSummary {
  load(): Promise<{ commands: Command[] }>;
}

const alerts = () => import("./commands/alerts.ts");
const alertsChannels = () => import("./commands/alerts-channels.ts");
const allowlist = () => import("./commands/allowlist.ts");
const apps = () => import("./commands/apps.ts");
const auth = () => import("./commands/auth.ts");
const builds = () => import("./commands/builds.ts");
const config = () => import("./commands/config.ts");
const domains = () => import("./commands/domains.ts");
const git = () => import("./commands/git.ts");
const healthchecks = () => import("./commands/healthchecks.ts");
const help = () => import("./commands/help.ts");
const limits = () => import("./commands/limits.ts");
const logs = () => import("./commands/logs.ts");
const metrics = () => import("./commands/metrics.ts");
const perms = () => import("./commands/perms.ts");
const ps = () => import("./commands/ps.ts");
const releases = () => import("./commands/releases.ts");
const settings = () => import("./commands/settings.ts");
const tokens = () => import("./commands/tokens.ts");
const users = () => import("./commands/users.ts");

/**
 * Every command, in help order within its group. Listing them here, rather than importing every
 * file in `commands/`, keeps `berth help` and each command from loading the others (a test checks
 * that each module defines exactly what is listed here for it).
 */
export const registry: readonly CommandEntry[] = [
  {
    name: "alerts:list",
    group: "alerts",
    aliases: ["alerts"],
    summary: "show the app's alert rules (firing, pending or ok) and their channels",
    load: alerts,
  },
  { name: "alerts:info", summary: "show everything about one alert rule", usage: "<rule>", load: alerts },
  {
    name: "alerts:add",
    summary: "add an alert rule: errors, latency, crashes, down, memory or an event",
    usage: "<kind>",
    load: alerts,
  },
  {
    name: "alerts:update",
    summary: "change an alert rule's threshold, durations, channels or enabled",
    usage: "<rule>",
    load: alerts,
  },
  { name: "alerts:remove", summary: "delete an alert rule", usage: "<rule>", load: alerts },
  { name: "alerts:enable", summary: "evaluate an alert rule again and let it notify", usage: "<rule>", load: alerts },
  { name: "alerts:disable", summary: "stop evaluating an alert rule (it is kept)", usage: "<rule>", load: alerts },
  {
    name: "alerts:silence",
    summary: "mute an alert rule's notifications for a while (it is still evaluated)",
    usage: "<rule>",
    load: alerts,
  },
  { name: "alerts:unsilence", summary: "end an alert rule's silence: it notifies again", usage: "<rule>", load: alerts },
  {
    name: "alerts:history",
    summary: "list when the rules went pending, fired and resolved, and their events",
    load: alerts,
  },
  {
    name: "alerts:channels",
    summary: "list where the app's alerts are sent: webhooks and Slack (--platform: every app's)",
    load: alertsChannels,
  },
  {
    name: "alerts:channels:add",
    summary: "send the app's alerts (--platform: every app's) to a webhook (signed) or a Slack incoming webhook",
    load: alertsChannels,
  },
  {
    name: "alerts:channels:remove",
    summary: "stop sending the app's alerts (--platform: every app's) to a channel",
    usage: "<channel>",
    load: alertsChannels,
  },
  {
    name: "alerts:test",
    summary: "send a test notification to a channel and show what its receiver answered",
    usage: "<channel>",
    load: alertsChannels,
  },
  {
    name: "alerts:deliveries",
    summary: "list the notifications sent: status, attempts, the receiver's answer",
    load: alertsChannels,
  },
  {
    name: "alerts:redeliver",
    summary: "send a notification to its channel again (e.g. one that failed)",
    usage: "<delivery>",
    load: alertsChannels,
  },
  {
    name: "allowlist:list",
    group: "allowlist",
    aliases: ["allowlist", "whitelist", "whitelist:list"],
    summary: "list the addresses allowed to reach the app (empty: everyone)",
    load: allowlist,
  },
  {
    name: "allowlist:add",
    aliases: ["whitelist:add"],
    summary: "allow only these addresses (and any already listed) to reach the app",
    usage: "<cidr>...",
    load: allowlist,
  },
  {
    name: "allowlist:remove",
    aliases: ["whitelist:remove"],
    summary: "take addresses off the app's allowlist (an empty list lets everyone in)",
    usage: "<cidr>...",
    load: allowlist,
  },
  {
    name: "create",
    group: "apps",
    aliases: ["apps:create"],
    summary: "create an app (a random name when none is given) and its git remote",
    usage: "[name]",
    load: apps,
  },
  { name: "apps:list", group: "apps", aliases: ["apps"], summary: "list the apps you can use", load: apps },
  { name: "info", group: "apps", aliases: ["apps:info"], summary: "show an app: owner, URL, processes and the live release", load: apps },
  { name: "open", group: "apps", aliases: ["apps:open"], summary: "open the app's URL in a browser", load: apps },
  {
    name: "destroy",
    group: "apps",
    aliases: ["apps:destroy"],
    summary: "delete an app, everything it runs, and its git remotes here",
    load: apps,
  },
  { name: "apps:transfer", summary: "make another user the app's owner", usage: "<user>", load: apps },
  {
    name: "register",
    group: "auth",
    aliases: ["auth:register"],
    summary: "create a user on a platform and log in as it",
    usage: "<url>",
    load: auth,
  },
  {
    name: "login",
    group: "auth",
    aliases: ["auth:login"],
    summary: "log in to a platform (default: the one you last used)",
    usage: "[url]",
    load: auth,
  },
  { name: "logout", group: "auth", aliases: ["auth:logout"], summary: "forget the token of this profile", load: auth },
  { name: "whoami", group: "auth", aliases: ["auth:whoami"], summary: "show who you are logged in as, and where", load: auth },
  {
    name: "auth:passwd",
    aliases: ["passwd"],
    summary: "change your password (administrators: anyone's); ends the other sessions",
    load: auth,
  },
  {
    name: "auth:token",
    aliases: ["auth:regenerate"],
    summary: "issue a new API token (earlier ones stop working) and print it",
    load: auth,
  },
  { name: "builds:list", group: "builds", aliases: ["builds"], summary: "list the app's builds, newest first", load: builds },
  { name: "builds:info", summary: "show one build and its log", usage: "<uuid>", load: builds },
  { name: "builds:create", aliases: ["pull"], summary: "deploy an existing Docker image (a new release)", usage: "<image>", load: builds },
  { name: "config:list", group: "config", aliases: ["config"], summary: "show the app's config values", load: config },
  { name: "config:set", summary: "set config values (a new release)", usage: "KEY=value...", load: config },
  { name: "config:unset", summary: "remove config values (a new release)", usage: "KEY...", load: config },
  { name: "config:pull", summary: "write the app's config values to .env", load: config },
  { name: "config:push", summary: "set the app's config from .env (a new release)", load: config },
  { name: "domains:list", group: "domains", aliases: ["domains"], summary: "list the custom domains routed to the app", load: domains },
  { name: "domains:add", summary: "route a domain (or *.wildcard) to the app", usage: "<domain>", load: domains },
  { name: "domains:remove", summary: "stop routing a domain to the app", usage: "<domain>", load: domains },
  { name: "git:remote", summary: "add the app's git remote to this repository", load: git },
  { name: "git:remove", summary: "remove the app's git remotes from this repository", load: git },
  {
    name: "git-credential",
    summary: "git's credential helper: answers with the profile's username and token",
    usage: "<get|store|erase>",
    hidden: true,
    load: git,
  },
  {
    name: "healthchecks:list",
    group: "healthchecks",
    aliases: ["healthchecks"],
    summary: "show how each process type's readiness is checked, and the post-deploy watch",
    load: healthchecks,
  },
  {
    name: "healthchecks:set",
    summary: "check a process type's readiness with an HTTP path or a TCP connect (a new release)",
    usage: "KEY=VALUE...",
    load: healthchecks,
  },
  { name: "healthchecks:unset", summary: "go back to a TCP connect to $PORT for a process type (a new release)", load: healthchecks },
  { name: "help", summary: "list the commands, or show one command's options and examples", usage: "[command]", load: help },
  { name: "version", group: "help", summary: "print berth's version (also --version)", load: help },
  {
    name: "limits:list",
    group: "limits",
    aliases: ["limits"],
    summary: "show the memory and CPU limits of each process type",
    load: limits,
  },
  {
    name: "limits:set",
    summary: "limit the memory and CPU of a process type (a new release)",
    usage: "memory=SIZE cpu=CPUS",
    load: limits,
  },
  {
    name: "limits:unset",
    summary: "remove a process type's memory or CPU limit, or both (a new release)",
    usage: "[memory] [cpu]",
    load: limits,
  },
  { name: "logs", group: "logs", summary: "show the app's recent log lines: its processes' output and Berth's events", load: logs },
  {
    name: "metrics",
    group: "metrics",
    summary: "draw the app's traffic, errors, latency and crashes over the last hour (or --since)",
    load: metrics,
  },
  {
    name: "perms:list",
    group: "perms",
    aliases: ["perms", "sharing"],
    summary: "list the users who share the app with its owner",
    load: perms,
  },
  {
    name: "perms:create",
    aliases: ["sharing:add"],
    summary: "let a user deploy and change the app (not delete, transfer or share it)",
    usage: "<user>",
    load: perms,
  },
  { name: "perms:delete", aliases: ["sharing:remove"], summary: "take a user's access to the app away", usage: "<user>", load: perms },
  { name: "ps:list", group: "ps", aliases: ["ps"], summary: "list the app's running instances by process type", load: ps },
  {
    name: "ps:restart",
    aliases: ["restart"],
    summary: "replace the app's instances (of one type, or all), batch by batch",
    usage: "[type]",
    load: ps,
  },
  { name: "ps:scale", aliases: ["scale"], summary: "set how many instances of each process type run", usage: "TYPE=COUNT...", load: ps },
  { name: "releases:list", group: "releases", aliases: ["releases"], summary: "list the app's releases, newest first", load: releases },
  { name: "releases:info", summary: "show one release", usage: "<vN>", load: releases },
  {
    name: "releases:rollback",
    aliases: ["rollback"],
    summary: "go back to an earlier release (default: the one before the live one) as a new release",
    usage: "[vN]",
    load: releases,
  },
  {
    name: "settings:info",
    group: "settings",
    aliases: ["settings"],
    summary: "show how the router serves the app: maintenance, routing, allowlist, timeouts",
    load: settings,
  },
  {
    name: "maintenance:info",
    group: "maintenance",
    aliases: ["maintenance"],
    summary: "show whether the app is in maintenance mode",
    load: settings,
  },
  { name: "maintenance:on", summary: "turn maintenance on: the router answers 503 with a maintenance page", load: settings },
  { name: "maintenance:off", summary: "turn maintenance off: the router serves the app again", load: settings },
  { name: "routing:info", group: "routing", aliases: ["routing"], summary: "show whether the router serves the app", load: settings },
  { name: "routing:enable", summary: "enable routing: the router serves the app at its URL and domains", load: settings },
  { name: "routing:disable", summary: "disable routing: the router stops serving the app (it keeps running)", load: settings },
  {
    name: "timeouts:info",
    group: "timeouts",
    aliases: ["timeouts"],
    summary: "show how long the router waits for the app's instances",
    load: settings,
  },
  {
    name: "timeouts:set",
    summary: "set how long the router waits to connect to an instance, and for its answer",
    usage: "connect=N read=N",
    load: settings,
  },
  { name: "auth:tokens", summary: "list your live API tokens: where each came from and when it was last used", load: tokens },
  { name: "auth:tokens:revoke", summary: "revoke one of your API tokens (the session using it ends)", usage: "<id>", load: tokens },
  { name: "users:list", group: "users", aliases: ["users"], summary: "list every user of the platform (administrators only)", load: users },
];

/** The command a name or alias means; `group` alone means `group:list` when that exists. */
export function findCommand(name: string): CommandEntry | undefined {
  return (
    registry.find((entry) => entry.name === name || entry.aliases?.includes(name)) ??
    registry.find((entry) => entry.name === `${name}:list`)
  );
}

/** Like findCommand, but an unknown name is a usage error that suggests the closest names. */
export function requireCommand(name: string): CommandEntry {
  const found = findCommand(name);
  if (found !== undefined) return found;
  const names = registry.filter((entry) => !entry.hidden).flatMap((entry) => [entry.name, ...(entry.aliases ?? [])]);
  const close = suggest(name, names);
  throw new UsageError(
    `unknown command "${name}"`,
    close.length > 0
      ? `did you mean ${close.map((n) => `\`${n}\``).join(" or ")}? (\`berth help\` lists every command)`
      : "`berth help` lists every command",
  );
}

/** Loads the module of a listed command and gives its definition. */
export async function loadCommand(entry: CommandEntry): Promise<Command> {
  const command = (await entry.load()).commands.find((candidate) => candidate.name === entry.name);
  if (command === undefined) {
    throw new CliError(
      `berth lists the command ${entry.name} but its module does not define it`,
      "this is a bug in berth: please report it",
    );
  }
  return command;
}
