import { type Command, defineCommand, jsonOption } from "../command.ts";
import type { Context } from "../context.ts";
import { askNewPassword, askPassword, askUsername, setUpGit } from "../credentials.ts";
import { UsageError } from "../errors.ts";
import { readProfile, removeProfile, writeProfile } from "../profile.ts";
import { clientFor, controllerUrl } from "../session.ts";
import { variable } from "../variables.ts";

const credentialOptions = {
  username: { type: "string", description: "the username (asked when absent)", placeholder: "name" },
  password: { type: "string", description: "the password (asked, hidden, when absent)", placeholder: "password" },
} as const;

/** The token of this profile when it is an administrator's on `url`: they register others. */
async function loggedInAdmin(ctx: Context, url: string): Promise<string | undefined> {
  const current = await readProfile(ctx.profilePath);
  if (current?.controller !== url) return undefined;
  // A stale token or an unreachable controller means "not as an administrator"; registering says the rest.
  const isAdmin = await clientFor(ctx.deps, url, current.token)
    .auth.whoami()
    .then(
      (me) => me.isAdmin,
      () => false,
    );
  return isAdmin ? current.token : undefined;
}

const register = defineCommand({
  name: "register",
  group: "auth",
  aliases: ["auth:register"],
  summary: "create a user on a platform and log in as it",
  usage: "<url>",
  description:
    "The first user of a platform becomes its administrator. An administrator who is logged in to the\nsame platform registers other users without leaving their own session.",
  options: { ...credentialOptions, email: { type: "string", description: "an email address", placeholder: "address" } },
  args: { min: 1, max: 1 },
  examples: [
    ["berth register http://berth.localhost:8080", "register, asking for a username and password"],
    ['berth register berth.example.com --username alice --password "$PW"', "without prompts"],
  ],
  async run({ args, flags }, ctx) {
    const url = controllerUrl(args[0] ?? "");
    const adminToken = await loggedInAdmin(ctx, url);
    const username = await askUsername(ctx, flags.username);
    const password = await askNewPassword(ctx, flags.password, "password");
    const body = { username, password, ...(flags.email === undefined ? {} : { email: flags.email }) };
    const client = clientFor(ctx.deps, url, adminToken);
    const user = await client.auth.register(body);
    if (user.token === undefined) {
      ctx.out.line(`registered ${user.username}; they log in with \`berth login ${url}\``);
      return;
    }
    await writeProfile(ctx.profilePath, { controller: url, username: user.username, token: user.token });
    await setUpGit(ctx, url);
    ctx.out.line(`registered ${user.username}${user.isAdmin ? " (administrator: the first user)" : ""} and logged in to ${url}`);
  },
});

const login = defineCommand({
  name: "login",
  group: "auth",
  aliases: ["auth:login"],
  summary: "log in to a platform (default: the one you last used)",
  usage: "[url]",
  options: credentialOptions,
  args: { min: 0, max: 1 },
  examples: [
    ["berth login http://berth.localhost:8080", "log in, asking for username and password"],
    ['berth login http://berth.localhost:8080 --username alice --password "$PW"', "without prompts"],
  ],
  async run({ args, flags }, ctx) {
    const current = await readProfile(ctx.profilePath);
    const raw = args[0] ?? current?.controller;
    if (raw === undefined) throw new UsageError("login needs the platform's URL", "e.g. `berth login http://berth.localhost:8080`");
    const url = controllerUrl(raw);
    const username = await askUsername(ctx, flags.username);
    const password = await askPassword(ctx, flags.password);
    const { token } = await clientFor(ctx.deps, url).auth.login(username, password);
    await writeProfile(ctx.profilePath, { controller: url, username, token });
    await setUpGit(ctx, url);
    ctx.out.line(`logged in as ${username} at ${url}`);
  },
});

const logout = defineCommand({
  name: "logout",
  group: "auth",
  aliases: ["auth:logout"],
  summary: "forget the token of this profile",
  options: {},
  args: { min: 0, max: 0 },
  examples: [["berth logout", "log out"]],
  async run(_input, ctx) {
    const current = await readProfile(ctx.profilePath).catch(() => undefined);
    const removed = await removeProfile(ctx.profilePath);
    ctx.out.line(removed ? `logged out${current ? ` of ${current.controller}` : ""}` : "you were not logged in");
  },
});

const whoami = defineCommand({
  name: "whoami",
  group: "auth",
  aliases: ["auth:whoami"],
  summary: "show who you are logged in as, and where",
  options: { ...jsonOption },
  args: { min: 0, max: 0 },
  examples: [["berth whoami", "show the current user"]],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const me = await session.client.auth.whoami();
    if (flags.json) return ctx.out.json({ ...me, controller: session.controller });
    ctx.out.line(`You are ${me.username} at ${session.controller}${me.isAdmin ? " (administrator)" : ""}`);
  },
});

const passwd = defineCommand({
  name: "auth:passwd",
  aliases: ["passwd"],
  summary: "change your password (administrators: anyone's); ends the other sessions",
  description:
    "Every other token of the user stops working: all but this session's when you change your own\npassword, all of them when an administrator resets someone's.",
  options: {
    username: { type: "string", description: "whose password (administrators only)", placeholder: "name" },
    password: { type: "string", description: "your current password (asked when absent)", placeholder: "password" },
    "new-password": { type: "string", description: "the new password (asked twice when absent)", placeholder: "password" },
  },
  args: { min: 0, max: 0 },
  examples: [
    ["berth auth:passwd", "change your password, asking for the old and the new one; your other sessions end"],
    ['berth auth:passwd --username bob --new-password "$PW"', "an administrator resets bob's password"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const other = flags.username !== undefined && flags.username !== session.username;
    const password = other ? undefined : await askPassword(ctx, flags.password, "current password:");
    const newPassword = await askNewPassword(ctx, flags["new-password"], "new-password");
    const changed = await session.client.auth.passwd({
      newPassword,
      ...(password === undefined ? {} : { password }),
      ...(other && flags.username !== undefined ? { username: flags.username } : {}),
    });
    const n = changed.tokensRevoked;
    const sessions = `${n} ${n === 1 ? "session" : "sessions"}`;
    const ended = other
      ? n === 0
        ? `${changed.username} had no open session`
        : `${sessions} of ${changed.username} ended`
      : n === 0
        ? "no other session was open"
        : `${n} other ${n === 1 ? "session" : "sessions"} ended (this one goes on)`;
    ctx.out.line(`password of ${changed.username} changed; ${ended}`);
  },
});

const token = defineCommand({
  name: "auth:token",
  aliases: ["auth:regenerate"],
  summary: "issue a new API token (earlier ones stop working) and print it",
  options: { username: { type: "string", short: "u", description: "whose token (administrators only)", placeholder: "name" } },
  args: { min: 0, max: 0 },
  examples: [
    ["berth auth:token", "a new token for you; the profile keeps it"],
    ["BERTH_TOKEN=$(berth auth:token -u ci)", "an administrator makes a token for the ci user"],
  ],
  async run({ flags }, ctx) {
    const session = await ctx.session();
    const issued = await session.client.auth.regenerateToken(flags.username);
    const mine = issued.username === session.username || (flags.username === undefined && session.username === "");
    if (mine && variable(ctx.deps.env, "token") === undefined) {
      await writeProfile(ctx.profilePath, { controller: session.controller, username: issued.username, token: issued.token });
    }
    ctx.out.line(issued.token);
    ctx.err.line(`a new token for ${issued.username}; earlier tokens no longer work${mine ? " (the profile keeps the new one)" : ""}`);
  },
});

export const commands: Command[] = [register, login, logout, whoami, passwd, token];
