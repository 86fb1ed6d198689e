import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppTarget, Upstream } from "./host-map.ts";
import { type Page, pages } from "./pages.ts";
import { type RequestLog, sendPage } from "./respond.ts";
import type { Connection, Retry, UpstreamError, UpstreamRequest, UpstreamSink } from "./upstream/pool.ts";
import type { ResponseHead } from "./upstream/response-parser.ts";

/**
 * One proxied request: sends it on a pooled upstream connection and streams the response into `res`.
 * A class (not closures) so a request costs one object and its methods are shared.
 */
export class Exchange implements UpstreamSink {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly target: AppTarget;
  readonly log: RequestLog;
  readonly request: UpstreamRequest;
  upstream: Upstream;
  connection: Connection | undefined = undefined;
  attempts = 1;
  done = false;
  responded = false;

  constructor(req: IncomingMessage, res: ServerResponse, target: AppTarget, log: RequestLog, request: UpstreamRequest) {
    this.req = req;
    this.res = res;
    this.target = target;
    this.log = log;
    this.request = request;
    this.upstream = pick(target)!;
    res.on("close", () => {
      if (this.done) return;
      this.connection?.abort();
      this.finish(499);
    });
  }

  send(): void {
    this.log.upstream = this.upstream.address;
    this.connection = this.upstream.pool.request(this.request, this);
  }

  onHead(head: ResponseHead): void {
    if (this.done) return;
    const headers = head.headers();
    if (!head.hasRequestId) headers.push("x-request-id", this.log.requestId);
    this.log.status = head.status;
    // writeHead throws on a header Node refuses to send; the connection then fails with a 502.
    if (head.statusText !== "") this.res.writeHead(head.status, head.statusText, headers);
    else this.res.writeHead(head.status, headers);
    this.responded = true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return true;
    this.log.bytes += chunk.length;
    if (this.res.write(chunk)) return true;
    this.res.once("drain", () => this.connection?.resume());
    return false;
  }

  onEnd(last: Buffer | undefined): void {
    if (this.done) return;
    if (last === undefined) this.res.end();
    else {
      this.log.bytes += last.length;
      this.res.end(last);
    }
    this.finish(this.log.status);
  }

  onError(error: UpstreamError, retry: Retry): void {
    if (this.done) return;
    if (this.responded) {
      // Headers are out: the only honest signal left is to cut the connection.
      this.log.error = error.code;
      this.res.destroy(error);
      this.finish(this.log.status);
      return;
    }
    const page = afterUpstreamError(this.target, this.attempts, error, retry);
    if (page === undefined) {
      this.attempts++;
      this.upstream = pick(this.target) ?? this.upstream;
      this.send();
      return;
    }
    this.log.error = error.code;
    sendPage(this.res, page, this.log.requestId);
    this.finish(page.status);
  }

  finish(status: number): void {
    this.done = true;
    this.log.status = status;
    this.log.finish(this.target.metrics);
  }
}

/** Round robin over the ready upstreams; undefined when there are none. */
export function pick(target: AppTarget): Upstream | undefined {
  const list = target.upstreams;
  if (list.length === 0) return undefined;
  const i = target.next;
  target.next = i + 1 >= list.length ? 0 : i + 1;
  return list[i < list.length ? i : 0];
}

/**
 * After an upstream failed before any of its response went out: undefined when the request may be
 * sent again (after `attempts` tries), otherwise the page to answer with. Refused connections try
 * each instance once; a request the app never answered is sent once more (to the next instance).
 */
export function afterUpstreamError(target: AppTarget, attempts: number, error: UpstreamError, retry: Retry): Page | undefined {
  const n = target.upstreams.length;
  if ((retry === "connect" && attempts < n) || (retry === "stale" && attempts <= n) || (retry === "unanswered" && attempts < 2)) {
    return undefined;
  }
  const route = target.route;
  const code = error.code;
  return code === "READ_TIMEOUT"
    ? pages.gatewayTimeout(target.app, "answer", route.readTimeoutMs)
    : code === "CONNECT_TIMEOUT"
      ? pages.gatewayTimeout(target.app, "accept a connection", route.connectTimeoutMs)
      : pages.badGateway(target.app, code === "ECONNREFUSED" ? "connection refused" : error.message);
}
