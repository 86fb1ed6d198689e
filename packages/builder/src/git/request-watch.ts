import type { ChildProcess } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger.ts";
import { answer } from "./answer.ts";
import { formatSeconds } from "./units.ts";

/** One git request's lifetime: aborted when it stalls or the client goes; its git processes die with it. */
export interface RequestWatch {
  readonly signal: AbortSignal;
  /** Kills `child` when the request ends before its response did. */
  adopt(child: ChildProcess): void;
  /** Ends the request now (the caller answers): aborts `signal`, kills the git processes, logs `reason`. */
  stop(reason: string): void;
  /** Stops the request and answers `status` with `message` (or cuts the connection if an answer had begun). */
  fail(status: number, message: string, reason: string): void;
}

export interface WatchOptions {
  /** A request whose connection moves no byte, in either direction, for this long is ended. */
  idleMs: number;
  logger: Logger;
  /** Fields for the log line of a failed request (app, endpoint). */
  fields: Record<string, string>;
}

/**
 * Puts a deadline on a git request: progress is any byte read from or written to its connection,
 * so a long push that streams, a build whose output (or git's keep-alive) reaches the pusher, and a
 * big clone being read all go on, while a request that stalls — a body that stops arriving, a
 * client that stops reading, an answer that never comes — is ended and its git process killed.
 */
export function watchRequest(req: IncomingMessage, res: ServerResponse, options: WatchOptions): RequestWatch {
  const aborter = new AbortController();
  const children = new Set<ChildProcess>();
  const socket = req.socket;
  const moved = () => socket.bytesRead + socket.bytesWritten;
  let last = moved();
  let since = Date.now();

  const end = (reason: Error) => {
    if (aborter.signal.aborted) return;
    aborter.abort(reason);
    clearInterval(timer);
    // SIGTERM: git removes its quarantine of half-received objects on the way out.
    for (const child of children) child.kill();
  };
  const stop = (reason: string) => {
    if (aborter.signal.aborted) return;
    options.logger.info("git request ended", { ...options.fields, reason });
    end(new Error(reason));
  };
  const fail = (status: number, message: string, reason: string) => {
    if (aborter.signal.aborted) return;
    stop(reason);
    if (res.headersSent) socket.destroy();
    else answer(res, status, message);
  };
  // Checked a few times per period, so a stall is noticed within a quarter period of the deadline.
  const timer = setInterval(
    () => {
      const now = moved();
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since >= options.idleMs) {
        const limit = `${formatSeconds(options.idleMs)} (BERTH_GIT_TIMEOUT)`;
        if (req.complete) {
          fail(
            503,
            `the builder could not answer within ${limit}; try again, and ask your Berth operator to look at the builder's log if it keeps happening`,
            "stalled answer",
          );
        } else {
          fail(408, `the request stopped arriving: nothing came for ${limit}; check your connection and try again`, "stalled request");
        }
      }
    },
    Math.max(10, Math.floor(options.idleMs / 4)),
  );
  timer.unref();
  res.on("close", () => {
    clearInterval(timer);
    if (res.writableFinished || aborter.signal.aborted) return;
    // A client that goes away is no failure of the builder's.
    options.logger.debug("client closed the connection", options.fields);
    end(new Error("the client disconnected"));
  });

  return {
    signal: aborter.signal,
    adopt(child) {
      if (aborter.signal.aborted) {
        child.kill();
        return;
      }
      children.add(child);
      child.once("exit", () => children.delete(child));
    },
    stop,
    fail,
  };
}
