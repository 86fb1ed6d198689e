import { timeKey } from "../logs/merge.ts";
import type { LogLine } from "./types.ts";

/** One container whose log is followed: `key` names it in the engine (a container id); the rest tags its lines. */
export interface FollowTarget {
  key: string;
  instance: string;
  tag: string;
}

/**
 * Opens a target's log stream and feeds each line to `sink` until the stream ends (the container
 * stopped) or `signal` aborts; resolves then. `after` is the time of the last line already delivered
 * when the target is followed again, so the engine may start there.
 */
export type OpenLog = (sink: (time: string, line: string) => void, signal: AbortSignal, after: string | undefined) => Promise<void>;

/**
 * The container logs of one `followLogs` call. Each target is followed by one stream at a time; a
 * target whose stream ended (its container exited and was restarted) may be followed again, and
 * then lines up to the last one delivered are dropped. The first failure stops every stream.
 */
export class LogFollows {
  readonly #onLine: (line: LogLine) => void;
  readonly #abort = new AbortController();
  readonly #active = new Set<string>();
  readonly #last = new Map<string, { time: string; key: string; line: string }>();
  readonly #streams = new Set<Promise<void>>();
  #error: unknown;

  constructor(onLine: (line: LogLine) => void, signal: AbortSignal) {
    this.#onLine = onLine;
    if (signal.aborted) this.#abort.abort();
    else signal.addEventListener("abort", () => this.#abort.abort(), { once: true, signal: this.#abort.signal });
  }

  /** Aborts when the caller's signal does, or on the first failure. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Follows `target` through `open`, unless a stream of it is open already. */
  follow(target: FollowTarget, open: OpenLog): void {
    if (this.#active.has(target.key) || this.#abort.signal.aborted) return;
    this.#active.add(target.key);
    const resumed = this.#last.get(target.key);
    const sink = (time: string, line: string) => {
      const key = timeKey(time);
      // Out-of-order lines within a stream are fine (stdout and stderr are stamped apart); only a
      // resumed stream may repeat what was sent, and only up to where it stopped.
      if (resumed !== undefined && (key < resumed.key || (key === resumed.key && line === resumed.line))) return;
      this.#last.set(target.key, { time, key, line });
      this.#onLine({ instance: target.instance, tag: target.tag, time, line });
    };
    const stream: Promise<void> = open(sink, this.#abort.signal, resumed?.time)
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.#active.delete(target.key);
        this.#streams.delete(stream);
      });
    this.#streams.add(stream);
  }

  /** Stops everything; `done` rejects with the first error given. */
  fail(error: unknown): void {
    if (this.#error === undefined) this.#error = error;
    this.#abort.abort();
  }

  /** Resolves once aborted and every stream has ended; rejects with the first failure. */
  async done(): Promise<void> {
    const signal = this.#abort.signal;
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    while (this.#streams.size > 0) await Promise.all([...this.#streams]);
    if (this.#error !== undefined) throw this.#error;
  }
}
