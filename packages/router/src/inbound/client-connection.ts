import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { normalizeAddress } from "../cidr.ts";
import type { AppTarget, Upstream } from "../host-map.ts";
import { afterUpstreamError, pick } from "../proxy.ts";
import { pages } from "../pages.ts";
import { clientErrorResponse, httpDate, type RequestLog, rawPage } from "../respond.ts";
import { coarseNow, type Expirable, track, untrack } from "../upstream/deadlines.ts";
import type { Connection, Retry, UpstreamError, UpstreamRequest, UpstreamSink } from "../upstream/pool.ts";
import type { ResponseHead } from "../upstream/response-parser.ts";
import { latin1 } from "../latin1.ts";
import { notASimpleStart, parseSimpleRequest, type SimpleRequest } from "./request-head.ts";

/** What a client connection needs from the router and its server. */
export interface Inbound {
  /**
   * Starts proxying `request` on `connection` (through {@link ClientConnection.proxy}) and returns true,
   * or returns false, having done nothing, when Node's HTTP server should answer it instead.
   */
  dispatch(connection: ClientConnection, request: SimpleRequest): boolean;
  /** Gives the socket, with `unread` bytes put back, to Node's HTTP server for good. */
  handOff(connection: ClientConnection, unread: Buffer | undefined): void;
  forget(connection: ClientConnection): void;
  readonly closing: boolean;
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
}

/** Node's default limit on a request head (`--max-http-header-size`); a longer one goes to Node. */
const MAX_HEAD = 16 * 1024;
const CRLFCRLF = Buffer.from("\r\n\r\n");
const NO_BODY = (status: number) => status === 204 || status === 304 || status < 200;

/**
 * One client connection on the fast path: the router reads request heads off the socket itself and
 * writes responses straight onto it, one exchange at a time (pipelined requests wait their turn).
 * This skips Node's HTTP server, whose per-request objects cost more than the rest of the proxy.
 * Whatever the fast path does not handle — bodies, upgrades, the platform's own hosts, refusals, bad
 * requests — is handed, with the bytes read so far, to Node's HTTP server for the rest of the
 * connection.
 */
export class ClientConnection implements UpstreamSink, Expirable {
  readonly socket: Socket;
  readonly inbound: Inbound;
  /** The client's address, normalised once per connection. */
  readonly peer: string;
  deadline = 0;
  /** Bytes read but not yet handled: a partial head, or pipelined requests waiting their turn. */
  #unread: Buffer | undefined = undefined;
  #headSince = 0;
  #handedOff = false;
  /** A 408 is on its way out; the next expiry closes for good. */
  #ending = false;
  /**
   * A parse of the pipelined bytes in `#unread` is queued (see `#finish`): bytes read meanwhile join
   * them there, so requests are read in the order they came.
   */
  #parseQueued = false;
  /** The client is not taking its responses: no request is read until the socket drains. */
  #readAfterDrain = false;

  // The exchange in progress, when `#active`.
  #active = false;
  #target: AppTarget | undefined = undefined;
  #log: RequestLog | undefined = undefined;
  #request: UpstreamRequest | undefined = undefined;
  #upstream: Upstream | undefined = undefined;
  #connection: Connection | undefined = undefined;
  #attempts = 1;
  #close = false;
  #isHead = false;
  /** The response head, kept until the first body bytes so both go out in one write. */
  #head: string | undefined = undefined;
  #responded = false;
  #chunked = false;
  #waitingForDrain = false;

  readonly #onData = (chunk: Buffer) => this.#read(chunk);
  readonly #onEnd = () => this.#gone();
  readonly #onClose = () => this.#gone();
  readonly #onError = () => this.#gone();
  readonly #parseNext = () => {
    this.#parseQueued = false;
    const next = this.#unread;
    if (next === undefined || this.#active || this.#handedOff || this.socket.destroyed) return;
    this.#parse(next);
    // A flood stays paused while the request it parsed runs and a head's worth is still waiting.
    if (!this.#handedOff && this.socket.isPaused() && (this.#unread === undefined || this.#unread.length <= MAX_HEAD)) {
      this.socket.resume();
    }
  };
  readonly #onDrain = () => {
    if (this.#waitingForDrain) {
      this.#waitingForDrain = false;
      this.#connection?.resume();
    } else if (this.#readAfterDrain) {
      this.#readAfterDrain = false;
      if (this.#parseQueued) this.#parseNext();
      else this.socket.resume();
    }
  };

  constructor(socket: Socket, inbound: Inbound) {
    this.socket = socket;
    this.inbound = inbound;
    this.peer = normalizeAddress(socket.remoteAddress ?? "");
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("close", this.#onClose);
    socket.on("error", this.#onError);
    socket.on("drain", this.#onDrain);
    track(this);
    this.deadline = coarseNow() + inbound.headersTimeoutMs;
    this.#headSince = coarseNow();
  }

  /** True between requests: nothing read, nothing in flight. */
  get idle(): boolean {
    return !this.#active && this.#unread === undefined;
  }

  #read(chunk: Buffer): void {
    if (this.#active || this.#parseQueued) {
      // A pipelined request: it waits for the response in flight; a flood stops being read.
      this.#unread = this.#unread === undefined ? chunk : Buffer.concat([this.#unread, chunk]);
      if (this.#unread.length > MAX_HEAD) this.socket.pause();
      return;
    }
    this.#parse(this.#unread === undefined ? chunk : Buffer.concat([this.#unread, chunk]));
  }

  #parse(data: Buffer): void {
    this.#unread = undefined;
    // A read of a request without a body is small: searched as text, it costs one conversion and no
    // native search.
    const text = data.length <= MAX_HEAD ? latin1(data, 0, data.length) : undefined;
    const end = text === undefined ? data.indexOf(CRLFCRLF) : text.indexOf("\r\n\r\n");
    if (end === -1) {
      if (text === undefined || notASimpleStart(text)) {
        this.#handOff(data);
        return;
      }
      this.#unread = data;
      if (this.#headSince === 0) {
        this.#headSince = coarseNow();
        this.deadline = this.#headSince + this.inbound.headersTimeoutMs;
      }
      return;
    }
    const request = end > MAX_HEAD ? undefined : parseSimpleRequest(text === undefined ? latin1(data, 0, end) : text.slice(0, end));
    if (request === undefined) {
      this.#handOff(data);
      return;
    }
    this.#close = request.close || this.inbound.closing;
    this.#headSince = 0;
    this.#unread = end + 4 < data.length ? data.subarray(end + 4) : undefined;
    if (!this.inbound.dispatch(this, request)) this.#handOff(data);
  }

  /** Sends the request upstream; the exchange then runs through the {@link UpstreamSink} methods. */
  proxy(target: AppTarget, log: RequestLog, request: UpstreamRequest): void {
    this.#active = true;
    this.deadline = 0;
    this.#target = target;
    this.#log = log;
    this.#request = request;
    this.#isHead = request.isHead;
    this.#attempts = 1;
    this.#responded = false;
    this.#upstream = pick(target)!;
    this.#send();
  }

  #send(): void {
    const upstream = this.#upstream!;
    this.#log!.upstream = upstream.address;
    this.#connection = upstream.pool.request(this.#request!, this);
  }

  onHead(head: ResponseHead): void {
    if (!this.#active) return;
    const log = this.#log!;
    const status = head.status;
    let text = `HTTP/1.1 ${status} ${head.statusText || STATUS_CODES[status] || "Unknown"}\r\n${head.lines}`;
    if (!head.hasRequestId) text += `x-request-id: ${log.requestId}\r\n`;
    if (!head.hasDate) text += `date: ${httpDate()}\r\n`;
    this.#chunked = head.contentLength === -1 && !this.#isHead && !NO_BODY(status);
    if (this.#chunked) text += "transfer-encoding: chunked\r\n";
    if (this.#close || this.inbound.closing) {
      this.#close = true;
      text += "connection: close\r\n";
    }
    this.#head = `${text}\r\n`;
    this.#responded = true;
    log.status = status;
  }

  onData(chunk: Buffer): boolean {
    if (!this.#active) return true;
    this.#log!.bytes += chunk.length;
    const socket = this.socket;
    socket.cork();
    this.#flushHead();
    const ok = this.#writeBody(chunk);
    socket.uncork();
    if (ok) return true;
    this.#waitingForDrain = true;
    return false;
  }

  onEnd(last: Buffer | undefined): void {
    if (!this.#active) return;
    const socket = this.socket;
    const head = this.#head;
    if (head !== undefined && !this.#chunked && last !== undefined && last.length <= 8192) {
      // The whole response at once, in one buffer: one write, no writev.
      this.#head = undefined;
      this.#log!.bytes += last.length;
      const out = Buffer.allocUnsafe(head.length + last.length);
      out.write(head, 0, "latin1");
      last.copy(out, head.length);
      socket.write(out);
      this.#finish(this.#log!.status);
      return;
    }
    socket.cork();
    this.#flushHead();
    if (last !== undefined && last.length > 0) {
      this.#log!.bytes += last.length;
      this.#writeBody(last);
    }
    if (this.#chunked) socket.write("0\r\n\r\n", "latin1");
    socket.uncork();
    this.#finish(this.#log!.status);
  }

  onError(error: UpstreamError, retry: Retry): void {
    if (!this.#active) return;
    const log = this.#log!;
    if (this.#responded) {
      // The head is out (or promised): the only honest signal left is to cut the connection.
      log.error = error.code;
      this.#close = true;
      this.#finish(log.status);
      this.socket.destroy();
      return;
    }
    const target = this.#target!;
    const page = afterUpstreamError(target, this.#attempts, error, retry);
    if (page === undefined) {
      this.#attempts++;
      this.#upstream = pick(target) ?? this.#upstream;
      this.#send();
      return;
    }
    log.error = error.code;
    this.socket.write(rawPage(page, log.requestId, this.#close || this.inbound.closing), "latin1");
    this.#finish(page.status);
  }

  /** Body bytes, framed as a chunk when the response is re-chunked; false when the socket is full. */
  #writeBody(chunk: Buffer): boolean {
    const socket = this.socket;
    if (!this.#chunked) return socket.write(chunk);
    socket.write(`${chunk.length.toString(16)}\r\n`, "latin1");
    socket.write(chunk);
    return socket.write("\r\n", "latin1");
  }

  #flushHead(): void {
    if (this.#head === undefined) return;
    this.socket.write(this.#head, "latin1");
    this.#head = undefined;
  }

  #finish(status: number): void {
    const log = this.#log!;
    const target = this.#target!;
    this.#active = false;
    this.#target = undefined;
    this.#log = undefined;
    this.#request = undefined;
    this.#upstream = undefined;
    this.#connection = undefined;
    this.#head = undefined;
    this.#waitingForDrain = false;
    log.status = status;
    log.finish(target.metrics);
    if (this.socket.destroyed) return;
    if (this.#close || this.inbound.closing) {
      this.socket.end();
      return;
    }
    if (this.socket.writableNeedDrain) {
      // Responses pile up unread: more requests would only pile up more of them (as Node's server, wait).
      this.#readAfterDrain = true;
      this.socket.pause();
    }
    if (this.#unread !== undefined) {
      // The next pipelined request; after this turn, so the upstream connection is back in its pool.
      this.#parseQueued = true;
      if (!this.#readAfterDrain) queueMicrotask(this.#parseNext);
      return;
    }
    this.deadline = coarseNow() + this.inbound.keepAliveTimeoutMs;
  }

  /** The client went away (or broke the connection): a request in flight is abandoned. */
  #gone(): void {
    if (this.#handedOff) return;
    if (this.#active) {
      this.#connection?.abort();
      this.#close = true;
      this.#finish(499);
    }
    this.#drop();
  }

  /** Forgets the socket and destroys it, keeping an error listener for whatever it still reports. */
  #drop(): void {
    this.#detach();
    this.socket.on("error", () => {});
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** The deadline passed: idle for the keep-alive timeout, or a head that took too long to arrive. */
  expire(): void {
    if (this.#active || this.#handedOff) return;
    if (!this.#ending && (this.#unread !== undefined || this.socket.writableLength > 0)) {
      // A stalled head gets a 408; a slow reader still receiving a response gets the rest of it.
      // Either way nothing more is read, and the connection ends after what is queued.
      this.#ending = true;
      this.socket.off("data", this.#onData);
      if (this.#unread !== undefined) this.socket.end(clientErrorResponse(pages.requestTimeout(this.inbound.headersTimeoutMs)), "latin1");
      else this.socket.end();
      this.deadline = coarseNow() + (this.#unread !== undefined ? 1000 : this.inbound.keepAliveTimeoutMs);
      return;
    }
    this.#drop();
  }

  /** Stops serving: now when idle, otherwise after the response in flight. */
  close(): void {
    if (this.#active || this.#parseQueued) this.#close = true;
    else this.expire();
  }

  #handOff(data: Buffer): void {
    this.#handedOff = true;
    this.#unread = undefined;
    this.#detach();
    this.inbound.handOff(this, data);
  }

  #detach(): void {
    untrack(this);
    this.deadline = 0;
    this.inbound.forget(this);
    const socket = this.socket;
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("close", this.#onClose);
    socket.off("error", this.#onError);
    socket.off("drain", this.#onDrain);
  }
}
