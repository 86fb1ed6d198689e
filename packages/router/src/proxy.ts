import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Dispatcher } from "undici";
import type { AppTarget, Upstream } from "./host-map.ts";
import { pages } from "./pages.ts";
import { hopByHopResponse } from "./request-headers.ts";
import { type RequestLog, sendPage } from "./respond.ts";

/** Connection failures after which another upstream may be tried (nothing reached the app). */
const retryable = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_CLOSED", "UND_ERR_DESTROYED", "EHOSTUNREACH"]);

/**
 * One proxied request: an undici dispatch handler that streams the upstream response into `res`.
 * A class (not closures) so a request costs one object and its handler methods are shared.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly target: AppTarget;
  readonly log: RequestLog;
  readonly options: Dispatcher.DispatchOptions;
  upstream: Upstream;
  attempts = 1;
  controller: Dispatcher.DispatchController | undefined = undefined;
  done = false;
  responded = false;

  constructor(req: IncomingMessage, res: ServerResponse, target: AppTarget, log: RequestLog, options: Dispatcher.DispatchOptions) {
    this.req = req;
    this.res = res;
    this.target = target;
    this.log = log;
    this.options = options;
    this.upstream = pick(target)!;
    res.on("close", () => {
      if (this.done) return;
      this.controller?.abort(new Error("client closed the connection"));
      this.finish(499);
    });
  }

  send(): void {
    this.log.upstream = this.upstream.address;
    try {
      this.upstream.pool.dispatch(this.options, this);
    } catch (error) {
      this.onResponseError(undefined, error as Error);
    }
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.done) controller.abort(new Error("client closed the connection"));
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    if (statusCode < 200 || this.done) return;
    const out: string[] = [];
    for (const name in headers) {
      if (hopByHopResponse.has(name)) continue;
      const value = headers[name];
      if (typeof value === "string") out.push(name, value);
      else if (value !== undefined) for (const v of value) out.push(name, v);
    }
    if (headers["x-request-id"] === undefined) out.push("x-request-id", this.log.requestId);
    this.responded = true;
    this.log.status = statusCode;
    if (statusMessage) this.res.writeHead(statusCode, statusMessage, out);
    else this.res.writeHead(statusCode, out);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.done) return;
    this.log.bytes += chunk.length;
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once("drain", () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.done) return;
    this.res.end();
    this.finish(this.log.status);
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.done) return;
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (this.responded) {
      // Headers are out: the only honest signal left is to cut the connection.
      this.res.destroy(error);
      this.finish(this.log.status);
      return;
    }
    if (this.options.body === null && retryable.has(code) && this.attempts < this.target.upstreams.length) {
      this.attempts++;
      this.upstream = pick(this.target)!;
      this.send();
      return;
    }
    const route = this.target.route;
    const page =
      code === "UND_ERR_HEADERS_TIMEOUT"
        ? pages.gatewayTimeout(this.target.app, "answer", route.readTimeoutMs)
        : code === "UND_ERR_CONNECT_TIMEOUT"
          ? pages.gatewayTimeout(this.target.app, "accept a connection", route.connectTimeoutMs)
          : pages.badGateway(this.target.app, code === "ECONNREFUSED" ? "connection refused" : code || error.message);
    this.log.error = code || error.message;
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
