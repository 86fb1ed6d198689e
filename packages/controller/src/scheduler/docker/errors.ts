import { redactConfig } from "../../domain/redact.ts";
import { BerthError } from "../../errors.ts";

/** The HTTP status of a failed engine call; undefined when it never got an answer. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "statusCode" in error ? Number(error.statusCode) : undefined;
}

/**
 * Engine failures become one error the API can show, with the driver's error as cause. When the call
 * carried an instance's environment (`env`), its values are masked in the message and the driver's
 * error, which may echo them, is not kept.
 */
export function engineError(what: string, cause: unknown, env?: Readonly<Record<string, string>>): BerthError {
  const raw = cause instanceof Error ? `: ${cause.message}` : "";
  const detail = env === undefined ? raw : redactConfig(raw, env);
  return new BerthError("UNAVAILABLE", `the Docker engine could not ${what}${detail}`, {
    ...(env === undefined ? { cause } : {}),
    hint: "check that dockerd runs and that DOCKER_HOST points at it",
  });
}
