import { chmod, mkdir, rm } from "node:fs/promises";
import { type Server, type Socket, createServer } from "node:net";
import { dirname } from "node:path";
import { LineSplitter, LineTooLongError } from "@berth/api";
import type { Logger } from "../logger.ts";

/** What a pre-receive hook sends: its repository, the ref updates and its object directories. */
export interface HookRequest {
  gitDir: string;
  updates: string;
  objectEnv: Record<string, string>;
}

/** The hook's side of a session: output goes to the pusher; `signal` aborts when the hook is gone. */
export interface HookChannel {
  write(text: string): void;
  readonly signal: AbortSignal;
}

/** Handles one hook run and returns its exit code (0 accepts the push). */
export type HookHandler = (request: HookRequest, channel: HookChannel) => Promise<number>;

function isHookRequest(value: unknown): value is HookRequest {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.gitDir === "string" && typeof v.updates === "string" && typeof v.objectEnv === "object" && v.objectEnv !== null;
}

/**
 * A Unix socket under the data directory (mode 0700) where the hooks reach the builder. Started on
 * first use, so creating the builder opens nothing.
 */
export function createHookServer(socketPath: string, handle: HookHandler, logger: Logger) {
  let server: Server | undefined;
  let starting: Promise<void> | undefined;
  const sockets = new Set<Socket>();

  const session = (socket: Socket) => {
    sockets.add(socket);
    const aborter = new AbortController();
    // The request is the session's first line; nothing the hook sends after it is read.
    const lines = new LineSplitter({ maxLength: 1024 * 1024 });
    let started = false;
    socket.on("close", () => {
      sockets.delete(socket);
      aborter.abort(new Error("the push was interrupted"));
    });
    socket.on("error", () => {});
    socket.on("data", (data: Buffer) => {
      if (started) return;
      let line: string | undefined;
      try {
        line = lines.push(data)[0];
      } catch (error) {
        // Longer than any real request: not a hook of ours.
        if (error instanceof LineTooLongError) return void socket.destroy();
        throw error;
      }
      if (line === undefined) return;
      started = true;
      let request: unknown;
      try {
        request = JSON.parse(line);
      } catch {
        request = undefined;
      }
      const frame = (value: object) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(value)}\n`);
      };
      const channel: HookChannel = { write: (text) => frame({ o: text }), signal: aborter.signal };
      if (!isHookRequest(request)) {
        frame({ o: "berth: the hook sent a malformed request\n", exit: 1 });
        socket.end();
        return;
      }
      handle(request, channel)
        .catch((error: unknown) => {
          logger.error("hook session failed", { error });
          channel.write("berth: the builder failed unexpectedly; try the push again\n");
          return 1;
        })
        .then((exit) => {
          frame({ exit });
          socket.end();
        });
    });
  };

  return {
    socketPath,
    /** Starts listening (once); later calls wait for the same start. */
    ready(): Promise<void> {
      starting ??= (async () => {
        if (Buffer.byteLength(socketPath) > 100) {
          throw new Error(`the hook socket path ${socketPath} is too long for a Unix socket — use a shorter BERTH_DATA_DIR`);
        }
        await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
        await chmod(dirname(socketPath), 0o700);
        await rm(socketPath, { force: true });
        const s = createServer(session);
        await new Promise<void>((resolve, reject) => {
          s.once("error", reject);
          s.listen(socketPath, () => resolve());
        });
        server = s;
      })().catch((error: unknown) => {
        starting = undefined;
        throw error;
      });
      return starting;
    },
    async close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      if (server !== undefined) await new Promise<void>((resolve) => server?.close(() => resolve()));
      server = undefined;
      starting = undefined;
    },
  };
}

export type HookServer = ReturnType<typeof createHookServer>;
