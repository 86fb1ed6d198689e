import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/bin.ts";
import type { CliDeps } from "../../src/deps.ts";
import { FakeInput, FakeOutput, plain } from "./streams.ts";

export const binPath = fileURLToPath(new URL("../../bin/berth.js", import.meta.url));

export interface RunOptions {
  home: string;
  cwd?: string;
  env?: Record<string, string>;
  /** stdin, stdout and stderr are terminals. */
  tty?: boolean;
  /** Answers to prompts: `[text the prompt shows, keys to type]`, in order. */
  answers?: [string, string][];
  /** Piped into stdin (not a terminal). */
  input?: string;
  fetch?: CliDeps["fetch"];
  /** Called with everything written to stderr so far, on each write (as a person watching). */
  onStderr?: (text: string) => void;
  /** Presses Ctrl-C (outside a prompt) once stderr shows this text. */
  interruptOn?: string;
  /** Called with everything written to stdout so far, on each write. */
  onStdout?: (text: string) => void;
  /** Presses Ctrl-C once stdout shows this text (e.g. a followed log line). */
  interruptOnStdout?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  opened: string[];
  /** stdout and stderr as written, colour and cursor codes included. */
  raw: { stdout: string; stderr: string };
}

/** A fresh home directory with git identity settings isolated from the machine's. */
export async function tempHome(): Promise<string> {
  return mkdtemp(join(tmpdir(), "berth-cli-home-"));
}

export function baseEnv(home: string): Record<string, string> {
  return {
    HOME: home,
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
}

/** Runs `berth <argv>` in-process against fake streams, answering prompts as a person would. */
export async function berth(argv: string[], options: RunOptions): Promise<RunResult> {
  const tty = options.tty === true;
  const stdout = new FakeOutput(tty);
  const stderr = new FakeOutput(tty);
  const stdin = new FakeInput(tty);
  if (options.input !== undefined) stdin.end(options.input);
  const answers = [...(options.answers ?? [])];
  let seen = 0;
  const interrupt = new AbortController();
  stderr.on("text", (text: string) => {
    options.onStderr?.(plain(text));
    if (options.interruptOn !== undefined && plain(text).includes(options.interruptOn) && !interrupt.signal.aborted) interrupt.abort();
    const next = answers[0];
    if (next === undefined) return;
    const at = plain(text).indexOf(next[0], seen);
    if (at < 0) return;
    seen = at + next[0].length;
    answers.shift();
    setTimeout(() => stdin.write(next[1]), 5);
  });
  stdout.on("text", (text: string) => {
    options.onStdout?.(plain(text));
    if (options.interruptOnStdout !== undefined && plain(text).includes(options.interruptOnStdout) && !interrupt.signal.aborted)
      interrupt.abort();
  });
  const opened: string[] = [];
  const code = await main(argv, {
    stdout,
    stderr,
    stdin,
    env: { ...baseEnv(options.home), ...options.env },
    cwd: options.cwd ?? options.home,
    home: options.home,
    version: "0.1.0",
    self: [process.execPath, binPath],
    openUrl: async (url) => {
      opened.push(url);
    },
    interrupt: interrupt.signal,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return { code, stdout: plain(stdout.text), stderr: plain(stderr.text), opened, raw: { stdout: stdout.text, stderr: stderr.text } };
}

/** Registers `alice` (the first user: admin) and logs in, through the CLI. */
export async function loggedIn(url: string, username = "alice"): Promise<string> {
  const home = await tempHome();
  const result = await berth(["register", url, "--username", username, "--password", "correct-horse"], { home });
  if (result.code !== 0) throw new Error(`register failed: ${result.stderr}`);
  return home;
}

/**
 * Creates an app through the CLI (no git remote) and, given a Procfile, deploys the image `web:1`
 * with it so the app has process types. Throws with the CLI's error when a step fails.
 */
export async function createApp(home: string, name: string, procfile?: string): Promise<string> {
  const created = await berth(["create", name, "--no-remote"], { home });
  if (created.code !== 0) throw new Error(`create ${name} failed: ${created.stderr}`);
  if (procfile !== undefined) {
    const pulled = await berth(["pull", "web:1", "--procfile", procfile, "-a", name], { home });
    if (pulled.code !== 0) throw new Error(`pull for ${name} failed: ${pulled.stderr}`);
  }
  return name;
}
