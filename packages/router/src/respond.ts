import { STATUS_CODES, type ServerResponse } from "node:http";
import { type AccessLogSink, isoNow, jsonString, silentLogger } from "./logger.ts";
import type { AppMetrics } from "./metrics.ts";
import { type Page, renderPage } from "./pages.ts";

/** Answers with one of the router's own pages. */
export function sendPage(res: ServerResponse, page: Page, requestId: string): void {
  const body = renderPage(page);
  res.writeHead(page.status, [
    "content-type",
    "text/html; charset=utf-8",
    "content-length",
    String(Buffer.byteLength(body)),
    "cache-control",
    "no-store",
    "x-request-id",
    requestId,
  ]);
  res.end(body);
}

/** One of the router's own pages as a whole raw response, for sockets without a `ServerResponse`. */
export function rawPage(page: Page, requestId: string, close: boolean): string {
  const body = renderPage(page);
  return (
    `HTTP/1.1 ${page.status} ${STATUS_CODES[page.status]}\r\ncontent-type: text/html; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nx-request-id: ${requestId}\r\n` +
    `date: ${httpDate()}\r\n${close ? "connection: close\r\n" : ""}\r\n${body}`
  );
}

/**
 * The whole raw response to a client whose bytes are not a request the router can answer (malformed,
 * too large, too slow): no request id, as there is no request, and the connection closes after it.
 */
export function clientErrorResponse(page: Page): string {
  const body = renderPage(page);
  return (
    `HTTP/1.1 ${page.status} ${STATUS_CODES[page.status]}\r\ncontent-type: text/html; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\ndate: ${httpDate()}\r\nconnection: close\r\n\r\n${body}`
  );
}

let dateSecond = 0;
let dateText = "";
/** The Date header's value (RFC 9110 §5.6.7), made once a second. */
export function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** The access-log line of one request, filled in as it goes, written once when it ends. */
export class RequestLog {
  readonly sink: AccessLogSink;
  readonly start: number;
  readonly method: string;
  readonly path: string;
  readonly host: string;
  readonly client: string;
  readonly requestId: string;
  app: string | undefined = undefined;
  upstream: string | undefined = undefined;
  status = 0;
  bytes = 0;
  error: string | undefined = undefined;

  constructor(sink: AccessLogSink, start: number, method: string, path: string, host: string, client: string, requestId: string) {
    this.sink = sink;
    this.start = start;
    this.method = method;
    this.path = path;
    this.host = host;
    this.client = client;
    this.requestId = requestId;
  }

  /** Records the request in `metrics` (when it reached an app) and writes the access-log line. */
  finish(metrics: AppMetrics | Float64Array | undefined): void {
    const ms = performance.now() - this.start;
    if (metrics instanceof Float64Array) {
      const cls = ((this.status / 100) | 0) - 1;
      metrics[cls >= 0 && cls < 5 ? cls : 4]!++;
    } else metrics?.observe(this.status, ms);
    if (this.sink === silentLogger || (this.sink.errorsOnly === true && this.status < 500 && this.error === undefined)) return;
    const ms3 = Math.round(ms * 1000) / 1000;
    if (this.sink.write !== undefined) {
      this.sink.write(
        `{"time":"${isoNow()}","level":"info","msg":"request"${this.app === undefined ? "" : `,"app":${jsonString(this.app)}`}` +
          `,"host":${jsonString(this.host)},"method":${jsonString(this.method)},"path":${jsonString(this.path)}` +
          `,"status":${this.status},"ms":${ms3},"bytes":${this.bytes}` +
          `${this.upstream === undefined ? "" : `,"upstream":${jsonString(this.upstream)}`}` +
          `,"client":${jsonString(this.client)},"requestId":${jsonString(this.requestId)}` +
          `${this.error === undefined ? "" : `,"error":${jsonString(this.error)}`}}\n`,
      );
      return;
    }
    this.sink.info("request", {
      app: this.app,
      host: this.host,
      method: this.method,
      path: this.path,
      status: this.status,
      ms: ms3,
      bytes: this.bytes,
      upstream: this.upstream,
      client: this.client,
      requestId: this.requestId,
      error: this.error,
    });
  }
}
