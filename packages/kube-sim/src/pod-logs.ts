import type { Readable } from "node:stream";
import type { Pod } from "./kinds/shapes.ts";
import { badRequest } from "./status.ts";

export interface LogRequest {
  container: string;
  follow: boolean;
  previous: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  limitBytes?: number;
}

/** Where pod logs come from: the kubelet stand-in in use. */
export interface PodLogSource {
  logs(pod: Pod, request: LogRequest): Promise<Readable>;
}

const positive = (v: string | null): number | undefined => {
  if (v === null || v === "" || v === "false") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid value "${v}": must be a non-negative integer`);
  return n;
};

/** Validates `/log` parameters against the pod, with the texts of pkg/registry/core/pod/strategy.go `LogLocation`. */
export function parseLogRequest(pod: Pod, query: URLSearchParams): LogRequest {
  const names = pod.spec.containers.map((c) => c.name);
  let container = query.get("container") ?? "";
  if (container === "") {
    if (names.length !== 1)
      throw badRequest(`a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(" ")}]`);
    container = names[0]!;
  }
  if (!names.includes(container)) throw badRequest(`container ${container} is not valid for pod ${pod.metadata.name}`);
  const request: LogRequest = {
    container,
    follow: query.get("follow") === "true" || query.get("follow") === "1",
    previous: query.get("previous") === "true" || query.get("previous") === "1",
    timestamps: query.get("timestamps") === "true" || query.get("timestamps") === "1",
  };
  const tail = positive(query.get("tailLines"));
  if (tail !== undefined) request.tailLines = tail;
  const since = positive(query.get("sinceSeconds"));
  if (since !== undefined) request.sinceSeconds = since;
  const limit = positive(query.get("limitBytes"));
  if (limit !== undefined) request.limitBytes = limit;
  const status = pod.status.containerStatuses?.find((s) => s.name === container);
  if (request.previous) {
    if (!status?.lastState.terminated)
      throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  } else if (!status || status.state.waiting) {
    const reason = status?.state.waiting?.reason ?? "ContainerCreating";
    throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${reason}`);
  }
  return request;
}
