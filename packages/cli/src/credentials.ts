import type { Context } from "./context.ts";
import { CliError } from "./errors.ts";
import { installCredentialHelper } from "./git.ts";

/** The username: the flag, else a prompt. */
export function askUsername(ctx: Context, flag: string | undefined): Promise<string> {
  return flag !== undefined ? Promise.resolve(flag) : ctx.ask("username:", "pass --username <name>");
}

/** A password: the flag, else a hidden prompt. */
export function askPassword(ctx: Context, flag: string | undefined, question = "password:"): Promise<string> {
  return flag !== undefined ? Promise.resolve(flag) : ctx.ask(question, "pass --password <password>", { secret: true });
}

/** A new password: the flag, else asked twice (hidden) so a typo cannot lock the user out. */
export async function askNewPassword(ctx: Context, flag: string | undefined, flagName: string): Promise<string> {
  if (flag !== undefined) return flag;
  const first = await ctx.ask("new password:", `pass --${flagName} <password>`, { secret: true });
  const again = await ctx.ask("new password (again):", `pass --${flagName} <password>`, { secret: true });
  if (first !== again) throw new CliError("the two passwords differ", "run the command again and type the same password twice");
  return first;
}

/** Makes `git push` to this platform use berth's credential helper; a failure is a note, not an error. */
export async function setUpGit(ctx: Context, controller: string): Promise<void> {
  const done = await installCredentialHelper(controller, ctx.deps.self, ctx.git).then(
    () => true,
    () => false,
  );
  if (!done) ctx.err.line(`note: could not set berth as git's credential helper for ${controller}; \`git push\` will ask for your token`);
}
