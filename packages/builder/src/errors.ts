/** Stable codes of the builder's failures; the push output shows the message and the hint. */
export type BuildErrorCode =
  | "BAD_REPO_NAME"
  | "NOTHING_TO_BUILD"
  | "INVALID_PROCFILE"
  | "BUILD_FAILED"
  | "PUSH_FAILED"
  | "RELEASE_FAILED"
  | "BUILD_IN_PROGRESS"
  | "CANCELLED"
  | "GIT_FAILED";

/** A failure the pusher can act on: what went wrong, and what to do next. */
export class BuildError extends Error {
  override readonly name = "BuildError";
  readonly code: BuildErrorCode;
  readonly hint: string | undefined;

  constructor(code: BuildErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }
}
