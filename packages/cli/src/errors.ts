import { ApiError } from "@berth/api";

/** A failure the user can act on; printed as its message and hint, exit code 1. */
export class CliError extends Error {
  override readonly name: string = "CliError";
  readonly hint: string | undefined;
  readonly exitCode: number = 1;

  constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.hint = hint;
  }
}

/** The command line itself is wrong (unknown command, missing or bad arguments): exit code 2. */
export class UsageError extends CliError {
  override readonly name = "UsageError";
  override readonly exitCode = 2;
}

/** The user pressed Ctrl-C at a prompt or during a wait: exit code 130, like a shell. */
export class Interrupted extends CliError {
  override readonly name = "Interrupted";
  override readonly exitCode = 130;
  constructor(message = "interrupted", hint?: string) {
    super(message, hint);
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  return 1;
}

/** The one or two lines a person sees for an error: what went wrong, then what to do next. */
export function describeError(error: unknown): { message: string; hint: string | undefined } {
  if (error instanceof ApiError || error instanceof CliError) return { message: error.message, hint: error.hint };
  if (error instanceof Error) {
    return {
      message: `unexpected error: ${error.message}`,
      hint: "run again with BERTH_DEBUG=1 for details, and report it if it persists",
    };
  }
  return { message: `unexpected error: ${String(error)}`, hint: undefined };
}

/**
 * For `.catch()`: a controller error that came without a hint gets this one (its message is kept);
 * every other error goes on unchanged.
 */
export function withHint(hint: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof ApiError && error.hint === undefined) throw new CliError(error.message, hint, { cause: error });
    throw error;
  };
}
