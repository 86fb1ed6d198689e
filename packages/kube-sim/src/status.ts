/**
 * `Status` failures as the API server writes them (apimachinery pkg/api/errors): `details.kind` is the
 * resource plural for NotFound/AlreadyExists/Conflict and the Kind for Invalid; the core group is omitted.
 */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  code: number;
  reason?: string;
  message?: string;
  details?: StatusDetails;
}

/** An API failure: thrown anywhere in the simulator and written once, by the server, as a Status. */
export class KubeError extends Error {
  override readonly name = "KubeError";
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      code: this.code,
      reason: this.reason,
      message: this.message,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

export function notFound(plural: string, name: string): KubeError {
  return new KubeError(404, "NotFound", `${plural} "${name}" not found`, { name, kind: plural });
}

export function alreadyExists(plural: string, name: string): KubeError {
  return new KubeError(409, "AlreadyExists", `${plural} "${name}" already exists`, { name, kind: plural });
}

export function conflict(plural: string, name: string, detail?: string): KubeError {
  const why = detail ?? "the object has been modified; please apply your changes to the latest version and try again";
  return new KubeError(409, "Conflict", `Operation cannot be fulfilled on ${plural} "${name}": ${why}`, { name, kind: plural });
}

export function badRequest(message: string): KubeError {
  return new KubeError(400, "BadRequest", message);
}

export function forbidden(plural: string, name: string, why: string, cause?: StatusCause): KubeError {
  const details: StatusDetails = { name, kind: plural };
  if (cause) details.causes = [cause];
  return new KubeError(403, "Forbidden", `${plural} "${name}" is forbidden: ${why}`, details);
}

export function methodNotAllowed(method: string, what: string): KubeError {
  return new KubeError(405, "MethodNotAllowed", `the server does not allow this method on the requested resource (${method} ${what})`);
}

export function unsupportedMediaType(type: string): KubeError {
  return new KubeError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got "${type}")`,
  );
}

export function expired(message: string): KubeError {
  return new KubeError(410, "Expired", message);
}

/** One failed field, collected by validators and turned into a 422 by `invalid`. */
export interface FieldError {
  field: string;
  type: "Invalid value" | "Required value" | "Unsupported value" | "Duplicate value" | "Forbidden" | "Too long";
  value?: unknown;
  detail?: string;
}

const causeReason: Record<FieldError["type"], string> = {
  "Invalid value": "FieldValueInvalid",
  "Required value": "FieldValueRequired",
  "Unsupported value": "FieldValueNotSupported",
  "Duplicate value": "FieldValueDuplicate",
  Forbidden: "FieldValueForbidden",
  "Too long": "FieldValueTooLong",
};

function describe(error: FieldError): string {
  const parts: string[] = [error.type];
  if (error.value !== undefined && error.type !== "Required value" && error.type !== "Forbidden") {
    parts.push(typeof error.value === "string" ? JSON.stringify(error.value) : JSON.stringify(error.value));
  }
  if (error.detail) parts.push(error.detail);
  return parts.join(": ");
}

/** 422 Invalid, `<Kind> "<name>" is invalid: <field>: <Type>: <value>: <detail>` (several in brackets). */
export function invalid(kind: string, name: string, errors: FieldError[]): KubeError {
  const causes = errors.map((e) => ({ reason: causeReason[e.type], message: describe(e), field: e.field }));
  const texts = errors.map((e) => `${e.field}: ${describe(e)}`);
  const summary = texts.length === 1 ? texts[0] : `[${texts.join(", ")}]`;
  return new KubeError(422, "Invalid", `${kind} "${name}" is invalid: ${summary}`, { name, kind, causes });
}
