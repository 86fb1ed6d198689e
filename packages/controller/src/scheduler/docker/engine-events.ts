import { LineSplitter } from "@berth/api";
import type Docker from "dockerode";
import { watchBackoff, watchFailed } from "../watch-backoff.ts";
import { engineError } from "./errors.ts";

/** A container event of the engine (`start`, `die`, …) with the container's labels and name. */
export interface ContainerEvent {
  id: string;
  action: string;
  /** The container's labels, plus `name` (and `exitCode` on `die`). */
  attributes: Record<string, string>;
}

export interface ContainerEventFilter {
  /** `start`, `die`, `restart`, … */
  event: string[];
  /** `key=value` or `key`: containers carrying that label. */
  label: string[];
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

function parseEvent(line: string): RawEvent | undefined {
  try {
    return JSON.parse(line) as RawEvent;
  } catch {
    // Not an event (a blank keep-alive line): nothing to report.
    return undefined;
  }
}

/**
 * Streams the engine's container events matching `filter` to `onEvent` until `signal` aborts. A
 * stream that breaks (dockerd restarted) is opened again, with back-off while it keeps failing,
 * and `onReconnect` is called once it is back: events of the gap are lost, the caller looks again.
 * Resolves once the first stream is open; rejects when it could not be opened (and keeps trying).
 */
export function watchContainerEvents(
  docker: Pick<Docker, "getEvents">,
  filter: ContainerEventFilter,
  onEvent: (event: ContainerEvent) => void,
  signal: AbortSignal,
  onReconnect?: () => void,
): Promise<void> {
  let failures = 0;
  let pause: NodeJS.Timeout | undefined;
  let first: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  const opened = new Promise<void>((resolve, reject) => {
    first = { resolve, reject };
  });
  // Callers that do not wait for the first stream must not see an unhandled rejection.
  opened.catch(() => {});
  signal.addEventListener("abort", () => clearTimeout(pause), { once: true });
  const again = (failed: boolean) => {
    if (signal.aborted) return;
    failures = failed ? failures + 1 : 0;
    pause = setTimeout(() => void connect(), failed ? watchBackoff(failures) : 100).unref();
  };
  const connect = async () => {
    if (signal.aborted) return;
    const began = Date.now();
    let stream: NodeJS.ReadableStream;
    try {
      const options: Docker.GetEventsOptions & { abortSignal: AbortSignal } = {
        filters: JSON.stringify({ type: ["container"], event: filter.event, label: filter.label }),
        abortSignal: signal,
      };
      stream = await docker.getEvents(options);
    } catch (cause) {
      first?.reject(engineError("stream container events", cause));
      first = undefined;
      return again(true);
    }
    if (first === undefined) onReconnect?.();
    first?.resolve();
    first = undefined;
    let heard = false;
    const lines = new LineSplitter();
    stream.on("data", (chunk: Buffer) => {
      heard = true;
      for (const line of lines.push(chunk)) {
        const raw = parseEvent(line);
        if (raw?.Type !== "container" || raw.Actor?.ID === undefined) continue;
        onEvent({ id: raw.Actor.ID, action: raw.Action ?? "", attributes: raw.Actor.Attributes ?? {} });
      }
    });
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      again(watchFailed(true, heard, began));
    };
    stream.on("end", end);
    stream.on("close", end);
    // An abort ends the stream with an AbortError: expected, and `again` does nothing then.
    stream.on("error", end);
  };
  void connect();
  return opened;
}
