import { connect, type Socket } from "node:net";
import { coarseNow, type Expirable, track, untrack } from "./deadlines.ts";
import { type ParserSink, type ResponseHead, ResponseParser } from "./response-parser.ts";

/** What a proxied request hears back from its upstream. */
export interface UpstreamSink {
  onHead(head: ResponseHead): void;
  /** False when the client is full: the upstream socket pauses until {@link UpstreamRequest.resume}. */
  onData(chunk: Buffer): boolean;
  /** `last`: the final body bytes, when they came with the end (one `res.end(last)` instead of two calls). */
  onEnd(last: Buffer | undefined): void;
  /**
   * `retry` says the request may be sent again: `connect` (no connection could be made: try another
   * instance), `stale` (a reused keep-alive connection the app had just closed: even the same instance
   * will do) or `unanswered` (sent on a new connection, with no body, and the connection failed before
   * a single response byte: an instance that was stopping, or an app that crashed; try another once).
   */
  onError(error: UpstreamError, retry: Retry): void;
}

/** Whether and why a failed request may be sent again (see {@link UpstreamSink.onError}). */
export type Retry = "connect" | "stale" | "unanswered" | undefined;

export type UpstreamErrorCode =
  | "ECONNREFUSED"
  | "CONNECT_TIMEOUT"
  | "READ_TIMEOUT"
  | "BODY_TIMEOUT"
  | "UPSTREAM_CLOSED"
  | "UPSTREAM_PROTOCOL_ERROR"
  | string;

export class UpstreamError extends Error {
  readonly code: UpstreamErrorCode;
  constructor(code: UpstreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export interface UpstreamRequest {
  /** Request line and headers, ending with the empty line; written as latin1 like Node parsed them. */
  readonly head: string;
  /** The request body to stream after the head; null when there is none. */
  readonly body: NodeJS.ReadableStream | null;
  /** Send the body with chunked encoding (its length is not known). */
  readonly chunked: boolean;
  readonly isHead: boolean;
  readonly readTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

export interface PoolOptions {
  connectTimeoutMs: number;
  /** Idle connections are closed after this; below Node's default 5 s server keep-alive on purpose. */
  idleMs?: number;
  maxIdle?: number;
}

/**
 * One keep-alive connection to an upstream. It carries one request at a time and returns to its
 * pool's idle stack when the response is complete and both sides allow reuse.
 */
export class Connection implements ParserSink, Expirable {
  readonly pool: UpstreamPool;
  readonly socket: Socket;
  readonly parser: ResponseParser;
  sink: UpstreamSink | undefined = undefined;
  /** Set when a response byte arrived: after that, a failure is not retryable. */
  answered = false;
  /** A body was (or is being) sent: not retryable either. */
  sentBody = false;
  reused = false;
  /** The request body has been written completely (or there was none). */
  bodyDone = true;
  connected = false;
  keepAlive = false;
  ended = false;
  readTimeoutMs = 0;
  bodyTimeoutMs = 0;
  connectTimer: NodeJS.Timeout | undefined = undefined;
  deadline = 0;

  constructor(pool: UpstreamPool, socket: Socket) {
    this.pool = pool;
    this.socket = socket;
    this.parser = new ResponseParser(this);
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      this.#fail(new UpstreamError(error.code ?? "UPSTREAM_CLOSED", error.message, { cause: error })),
    );
    socket.on("close", () => this.#onClose());
  }

  start(request: UpstreamRequest, sink: UpstreamSink): void {
    this.sink = sink;
    this.answered = false;
    this.sentBody = false;
    this.bodyDone = true;
    this.ended = false;
    this.readTimeoutMs = request.readTimeoutMs;
    this.bodyTimeoutMs = request.bodyTimeoutMs;
    this.parser.reset(request.isHead);
    this.deadline = coarseNow() + request.readTimeoutMs;
    this.socket.write(request.head, "latin1");
    if (request.body !== null) this.#sendBody(request.body, request.chunked);
  }

  #sendBody(body: NodeJS.ReadableStream, chunked: boolean): void {
    this.sentBody = true;
    this.bodyDone = false;
    const socket = this.socket;
    const onData = (chunk: Buffer) => {
      if (chunk.length === 0) return;
      const ok = chunked
        ? socket.write(`${chunk.length.toString(16)}\r\n`) && socket.write(chunk) && socket.write("\r\n")
        : socket.write(chunk);
      if (!ok) {
        body.pause();
        socket.once("drain", () => body.resume());
      }
    };
    const onEnd = () => {
      this.bodyDone = true;
      if (chunked && !socket.destroyed) socket.write("0\r\n\r\n");
      socket.off("close", detach);
    };
    const detach = () => {
      body.off("data", onData);
      body.off("end", onEnd);
    };
    body.on("data", onData);
    body.once("end", onEnd);
    socket.once("close", detach);
  }

  onHead(head: ResponseHead): void {
    this.deadline = coarseNow() + this.bodyTimeoutMs;
    this.sink?.onHead(head);
  }

  onData(chunk: Buffer): boolean {
    return this.sink === undefined ? true : this.sink.onData(chunk);
  }

  onEnd(keepAlive: boolean, last: Buffer | undefined): void {
    this.keepAlive = keepAlive;
    this.ended = true;
    this.deadline = 0;
    const sink = this.sink;
    this.sink = undefined;
    sink?.onEnd(last);
  }

  /** Stops reading until the client drains. */
  pause(): void {
    this.deadline = 0; // a slow client is not a stalled app
    this.socket.pause();
  }

  resume(): void {
    if (this.sink !== undefined) this.deadline = coarseNow() + this.bodyTimeoutMs;
    this.socket.resume();
  }

  /** The client went away mid-exchange: this connection cannot be reused. */
  abort(): void {
    this.sink = undefined;
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.answered = true;
    if (this.deadline !== 0 && this.parser.state !== 0) this.deadline = coarseNow() + this.bodyTimeoutMs;
    let flowing: boolean;
    try {
      flowing = this.parser.execute(chunk);
    } catch (error) {
      this.#fail(error as UpstreamError);
      return;
    }
    if (this.ended) {
      this.ended = false;
      if (this.keepAlive && this.bodyDone && this.sink === undefined) this.pool.release(this);
      else this.socket.destroy();
    } else if (!flowing) this.pause();
  }

  expire(): void {
    if (this.sink === undefined) {
      this.socket.destroy(); // idle in the pool for too long
      return;
    }
    const head = this.parser.state === 0;
    this.#fail(
      new UpstreamError(
        head ? "READ_TIMEOUT" : "BODY_TIMEOUT",
        head ? `no response within ${this.readTimeoutMs} ms` : `response body stalled for ${this.bodyTimeoutMs} ms`,
      ),
    );
  }

  #onClose(): void {
    untrack(this);
    this.pool.forget(this);
    if (this.connectTimer !== undefined) clearTimeout(this.connectTimer);
    if (this.sink === undefined) return;
    if (this.parser.closed()) return; // a body delimited by the close
    this.#fail(new UpstreamError("UPSTREAM_CLOSED", "the app closed the connection before the response was complete"));
  }

  #fail(error: UpstreamError): void {
    const sink = this.sink;
    this.sink = undefined;
    this.socket.destroy();
    if (sink === undefined) return;
    // A request that timed out may still be at work in the app: never send it twice.
    const untouched = !this.answered && !this.sentBody && error.code !== "READ_TIMEOUT";
    sink.onError(error, !untouched ? undefined : !this.connected ? "connect" : this.reused ? "stale" : "unanswered");
  }
}

/** Keep-alive connections to one upstream address (`host:port`). */
export class UpstreamPool {
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly #options: Required<PoolOptions>;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  #closed = false;
  /** Called when the last busy connection of a closed pool is done (its instance is drained here). */
  onDrained: (() => void) | undefined = undefined;

  constructor(address: string, options: PoolOptions) {
    this.address = address;
    ({ host: this.host, port: this.port } = splitHostPort(address));
    this.#options = { idleMs: 4000, maxIdle: 256, ...options };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Connections carrying a request (or connecting for one) right now. */
  get busy(): number {
    return this.#all.size - this.#idle.length;
  }

  /** Sends `request` on an idle connection, or opens one. Returns the connection carrying it. */
  request(request: UpstreamRequest, sink: UpstreamSink): Connection {
    const idle = this.#idle.pop();
    if (idle !== undefined) {
      idle.reused = true;
      idle.start(request, sink);
      return idle;
    }
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const connection = new Connection(this, socket);
    this.#all.add(connection);
    track(connection);
    connection.sink = sink;
    connection.connectTimer = setTimeout(() => {
      socket.destroy(new UpstreamError("CONNECT_TIMEOUT", `no connection within ${this.#options.connectTimeoutMs} ms`));
    }, this.#options.connectTimeoutMs);
    socket.once("connect", () => {
      clearTimeout(connection.connectTimer);
      connection.connectTimer = undefined;
      connection.connected = true;
      if (connection.sink !== undefined) connection.start(request, connection.sink);
    });
    return connection;
  }

  release(connection: Connection): void {
    if (this.#closed || this.#idle.length >= this.#options.maxIdle) {
      connection.socket.destroy();
      return;
    }
    connection.deadline = coarseNow() + this.#options.idleMs;
    this.#idle.push(connection);
  }

  forget(connection: Connection): void {
    const busy = this.busy;
    this.#all.delete(connection);
    const at = this.#idle.indexOf(connection);
    if (at !== -1) this.#idle.splice(at, 1);
    if (this.#closed && busy > 0 && this.busy === 0) this.onDrained?.();
  }

  /**
   * No new requests are expected (the instance is draining or gone): idle connections close now,
   * busy ones when their response is done, so the instance sees no connection of ours it must cut.
   */
  close(): void {
    this.#closed = true;
    for (const c of this.#idle.splice(0)) c.socket.destroy();
  }

  /** The instance is routed again (a restored release): keep connections alive once more. */
  reopen(): void {
    this.#closed = false;
  }

  /** Closes every connection, busy or not. */
  destroy(): void {
    this.close();
    for (const c of this.#all) c.socket.destroy();
  }
}

/** `host:port` or `[v6]:port` into connect options. */
export function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  const host = address.slice(0, colon);
  return { host: host.startsWith("[") ? host.slice(1, -1) : host, port: Number(address.slice(colon + 1)) };
}
