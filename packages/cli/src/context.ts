import type { ControllerClient } from "@berth/api";
import type { CliDeps } from "./deps.ts";
import { UsageError } from "./errors.ts";
import { appOfAnyGitUrl, appOfGitUrl, type GitOptions, remotes } from "./git.ts";
import { Printer, wantsColor } from "./output.ts";
import { profilePath } from "./profile.ts";
import { watchRelease } from "./rollout.ts";
import { openSession, type Session } from "./session.ts";

export interface AskOptions {
  /** Hide what is typed (passwords). */
  secret?: boolean;
}

/** What a command gets besides its arguments: output, the session, the app, prompts. */
export class Context {
  readonly deps: CliDeps;
  /** Results: tables, JSON, what a script reads. */
  readonly out: Printer;
  /** Progress, prompts and errors. */
  readonly err: Printer;

  constructor(deps: CliDeps) {
    this.deps = deps;
    this.out = new Printer(deps.stdout, wantsColor(deps.stdout, deps.env));
    this.err = new Printer(deps.stderr, wantsColor(deps.stderr, deps.env));
  }

  /** A person is at a terminal: prompts and spinners are possible. */
  get interactive(): boolean {
    return this.deps.stdin.isTTY === true && this.deps.stderr.isTTY === true;
  }

  get profilePath(): string {
    return profilePath(this.deps.env, this.deps.home, this.deps.cwd);
  }

  get git(): GitOptions {
    return { cwd: this.deps.cwd, env: this.deps.env };
  }

  session(): Promise<Session> {
    return openSession(this.deps, this.profilePath);
  }

  /** `-a/--app`, else the app of the `berth` remote, else of any remote pointing at this platform. */
  async app(flag: string | undefined, session: Session): Promise<string> {
    if (flag !== undefined && flag !== "") return flag;
    const found = await remotes(this.git);
    const berth = found.get("berth");
    const fromBerth = berth === undefined ? undefined : appOfAnyGitUrl(berth);
    if (fromBerth !== undefined) return fromBerth;
    for (const url of found.values()) {
      const app = appOfGitUrl(url, session.controller);
      if (app !== undefined) return app;
    }
    throw new UsageError(
      `no app given, and no berth git remote in ${this.deps.cwd}`,
      "pass -a <app>, or run `berth git:remote -a <app>` in the app's repository",
    );
  }

  /** Asks a question on the terminal (Ink); without one, says which option to pass instead. */
  async ask(question: string, instead: string, options: AskOptions = {}): Promise<string> {
    if (!this.interactive) throw new UsageError(`no terminal to ask "${question.replace(/:\s*$/, "")}"`, instead);
    const { ask } = await import("./ui/ask.ts");
    return ask(question, { stdin: this.deps.stdin, stdout: this.deps.stderr, secret: options.secret === true, color: this.err.color });
  }

  /** Waits for a release's rollout (spinner on a terminal) unless told not to. */
  async watch(client: ControllerClient, app: string, version: number, noWait: boolean | undefined): Promise<void> {
    if (noWait === true) {
      this.err.line(`v${version} is rolling out; \`berth releases -a ${app}\` shows how it ends`);
      return;
    }
    await watchRelease({ client, app, version, printer: this.err, interactive: this.interactive, deps: this.deps });
  }
}
