import { ERROR_STATUS, ErrorCode } from "@berth/api";

export interface BerthErrorOptions {
  hint?: string;
  field?: string;
  status?: number;
  cause?: unknown;
}

/**
 * The one error type of the controller: a stable code, a message a person can act on, an optional
 * hint, and the HTTP status it maps to. Messages never carry secrets (tokens, passwords, config values).
 */
export class BerthError extends Error {
  override readonly name = "BerthError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly hint: string | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ERROR_STATUS[code];
    this.hint = options.hint;
    this.field = options.field;
  }
}

/** A request field that failed validation. */
export function invalid(field: string, message: string, hint?: string): BerthError {
  return new BerthError(ErrorCode.ValidationFailed, `${field}: ${message}`, {
    field,
    ...(hint === undefined ? {} : { hint }),
  });
}

export function appNotFound(app: string): BerthError {
  return new BerthError(ErrorCode.AppNotFound, `app "${app}" not found`, {
    hint: "run `berth apps` to see your apps",
  });
}

export function userNotFound(username: string): BerthError {
  return new BerthError(ErrorCode.UserNotFound, `user "${username}" not found`, {
    hint: "check the spelling; an admin can list users with `berth users`",
  });
}
