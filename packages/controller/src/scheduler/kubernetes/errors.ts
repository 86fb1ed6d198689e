import { ApiException } from "@kubernetes/client-node";
import { BerthError } from "../../errors.ts";

/** The fields of a Kubernetes `Status` that Berth reads. */
interface StatusBody {
  message?: string;
  reason?: string;
  code?: number;
}

function statusBody(error: ApiException<unknown>): StatusBody | undefined {
  const body = error.body;
  if (typeof body === "object" && body !== null) return body as StatusBody;
  if (typeof body !== "string") return undefined;
  try {
    return JSON.parse(body) as StatusBody;
  } catch {
    return undefined;
  }
}

/** The HTTP status of a failed API call; undefined when the call never got an answer. */
export function apiStatus(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

/**
 * The one place Kubernetes errors become Berth's: `UNAVAILABLE`, saying what Berth tried, with the
 * API server's Status message kept (and the client's error as cause).
 */
export function kubeError(what: string, cause: unknown): BerthError {
  let detail = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof ApiException) {
    const status = statusBody(cause);
    detail = status?.message ? `${status.message} (${status.reason ?? "HTTP"} ${cause.code})` : `HTTP ${cause.code}`;
  }
  return new BerthError("UNAVAILABLE", `Kubernetes could not ${what}: ${detail}`, {
    cause,
    hint: "check that the API server answers at the configured kubeconfig or in-cluster address, and that Berth's service account has the RBAC rules the README lists",
  });
}

/** Runs an API call; a 404 (or the given statuses) gives undefined, anything else a {@link kubeError}. */
export async function tolerate<T>(what: string, call: () => Promise<T>, statuses: number[] = [404]): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    const status = apiStatus(error);
    if (status !== undefined && statuses.includes(status)) return undefined;
    throw kubeError(what, error);
  }
}

/** Runs an API call; any failure becomes a {@link kubeError}. */
export async function request<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw kubeError(what, error);
  }
}
