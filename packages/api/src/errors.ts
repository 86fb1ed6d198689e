/**
 * Stable error codes of the controller API. Clients branch on `code`, never on `message`.
 */
export const ErrorCode = {
  BadRequest: "BAD_REQUEST",
  InvalidJson: "INVALID_JSON",
  ValidationFailed: "VALIDATION_FAILED",
  UnsupportedMediaType: "UNSUPPORTED_MEDIA_TYPE",
  PayloadTooLarge: "PAYLOAD_TOO_LARGE",
  Unauthenticated: "UNAUTHENTICATED",
  InvalidCredentials: "INVALID_CREDENTIALS",
  Forbidden: "FORBIDDEN",
  RegistrationClosed: "REGISTRATION_CLOSED",
  NotFound: "NOT_FOUND",
  AppNotFound: "APP_NOT_FOUND",
  UserNotFound: "USER_NOT_FOUND",
  TokenNotFound: "TOKEN_NOT_FOUND",
  ReleaseNotFound: "RELEASE_NOT_FOUND",
  BuildNotFound: "BUILD_NOT_FOUND",
  AppExists: "APP_EXISTS",
  UserExists: "USER_EXISTS",
  NothingChanged: "NOTHING_CHANGED",
  RolloutInProgress: "ROLLOUT_IN_PROGRESS",
  Conflict: "CONFLICT",
  RollbackRefused: "ROLLBACK_REFUSED",
  NoBuild: "NO_BUILD",
  UnknownProcessType: "UNKNOWN_PROCESS_TYPE",
  MethodNotAllowed: "METHOD_NOT_ALLOWED",
  Unavailable: "UNAVAILABLE",
  Internal: "INTERNAL",
} as const;

/** One of the stable error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * The HTTP status each error code is answered with. Complete by its type: a new code without a
 * status does not compile (it would otherwise become a 500).
 */
export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
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

/** The body of every non-2xx response: `{"error": {"code", "message", "hint"?, "field"?}}`. */
export interface ErrorEnvelope {
  error: {
    code: ErrorCode;
    message: string;
    /** What to do next, when there is something to do. */
    hint?: string;
    /** The request field that was rejected, for validation errors (`values.FOO`). */
    field?: string;
  };
}

/** A non-2xx answer from the controller, or a failure to reach it at all (`status` 0). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly field: string | undefined;

  constructor(
    status: number,
    body: ErrorEnvelope["error"],
    options?: { cause?: unknown },
  ) {
    super(body.message, options);
    this.status = status;
    this.code = body.code;
    this.hint = body.hint;
    this.field = body.field;
  }
}

/** Whether a parsed JSON body has the shape of an error envelope. */
export function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== "object" || body === null || !("error" in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string"
  );
}
