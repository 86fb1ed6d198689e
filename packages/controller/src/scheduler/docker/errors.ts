import { BerthError } from "../../errors.ts";

/** The HTTP status of a failed engine call; undefined when it never got an answer. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "statusCode" in error ? Number(error.statusCode) : undefined;
}

/** Engine failures become one error the API can show, with the driver's error as cause. */
export function engineError(what: string, cause: unknown): BerthError {
  const detail = cause instanceof Error ? `: ${cause.message}` : "";
  return new BerthError("UNAVAILABLE", `the Docker engine could not ${what}${detail}`, {
    cause,
    hint: "check that dockerd runs and that DOCKER_HOST points at it",
  });
}
