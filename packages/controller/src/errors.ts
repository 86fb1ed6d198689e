import { ErrorCode } from "@berth/api";

const defaultStatus: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  INVALID_JSON: 400,
  VALIDATION_FAILED: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  REGISTRATION_CLOSED: 403,
  NOT_FOUND: 404,
  APP_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  RELEASE_NOT_FOUND: 404,
  BUILD_NOT_FOUND: 404,
  APP_EXISTS: 409,
  USER_EXISTS: 409,
  NOTHING_CHANGED: 409,
  ROLLOUT_IN_PROGRESS: 409,
  CONFLICT: 409,
  ROLLBACK_REFUSED: 409,
  NO_BUILD: 409,
  UNKNOWN_PROCESS_TYPE: 400,
  METHOD_NOT_ALLOWED: 405,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

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
    this.status = options.status ?? defaultStatus[code] ?? 500;
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
