import type { LogLine, Scheduler } from "../../src/scheduler/types.ts";

/** A process that prints `booting`, then `tick N` every 0.2 s, beside `serve` (which keeps it up). */
export function ticking(serve: string): string {
  return `echo booting; (n=0; while true; do n=$((n+1)); echo "tick $n"; sleep 0.2; done) & ${serve}`;
}

/** Follows the app's logs into a list until the returned `stop` is called; `stop` resolves when the follow has ended. */
export function follow(scheduler: Required<Pick<Scheduler, "followLogs">>, app: string, tail: number) {
  const lines: LogLine[] = [];
  const abort = new AbortController();
  const following = scheduler.followLogs(app, (l) => lines.push(l), abort.signal, { tail });
  return {
    lines,
    stop: async () => {
      abort.abort();
      await following;
    },
  };
}

/** The numbers of one tag's `tick N` lines, in the order they came. */
export function ticks(lines: readonly { tag: string; line: string }[], tag: string): number[] {
  return lines.filter((l) => l.tag === tag && l.line.startsWith("tick ")).map((l) => Number(l.line.slice(5)));
}
