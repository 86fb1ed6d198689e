import { type ClientRequest, type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { describeTransportError } from "./delivery-errors.ts";
import { bareHostname, describeOrigin } from "./origin.ts";
import { parseRetryAfter } from "./retry-after.ts";

/** Where to send: a checked URL and the address it was resolved to (see `checkDestination`). */
export interface DeliveryTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export interface DeliveryRequest {
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface DeliverOptions {
  /** For connecting, sending and the response's status and headers together. */
  timeoutMs?: number;
  /** Trust this CA (PEM) instead of the system's, for receivers with a private CA (and tests). */
  ca?: string | Buffer;
}

/** The outcome of one attempt. */
export interface DeliveryResult {
  /** The receiver answered 2xx. */
  ok: boolean;
  /** The receiver's HTTP status; null when none came (timeout, refused, TLS failure). */
  status: number | null;
  durationMs: number;
  /** Why no answer came; null whenever the receiver answered, whatever the status. */
  error: string | null;
  /** What a 429 or 503's `Retry-After` asked for. */
  retryAfterMs: number | null;
  /** 410 Gone: the receiver asks never to be sent to again. */
  gone: boolean;
  /** The start of the response body, at most EXCERPT_BYTES, for the delivery log. */
  responseExcerpt: string;
}

export const EXCERPT_BYTES = 1024;
const DEFAULT_TIMEOUT_MS = 15_000;

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function requestOptions(target: DeliveryTarget, request: DeliveryRequest, options: DeliverOptions): RequestOptions {
  const { url, address, family } = target;
  const hostname = bareHostname(url);
  // Connect to the checked address whatever the host resolves to now; net asks with all:true when it
  // may try several families (autoSelectFamily), so both answer shapes are given.
  const lookup: LookupFunction = (_host, lookupOptions, callback) => {
    if (lookupOptions.all === true) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
  return {
    method: "POST",
    hostname,
    port: url.port === "" ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers: { ...request.headers, host: url.host, "content-length": String(Buffer.byteLength(request.body)) },
    lookup,
    // One connection per attempt: a pooled socket would outlive the check that pinned its address.
    agent: false,
    // The certificate is verified against the URL's host, and SNI names it (SNI cannot carry an IP).
    ...(url.protocol === "https:" && isIP(hostname) === 0 ? { servername: hostname } : {}),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  };
}

/**
 * One POST of `request` to `target`, connecting to the pinned address while the Host header, SNI and
 * certificate check use the URL's host. Never throws: every failure comes back as a result, with an
 * error that names the target as scheme://host[:port] only. Redirects are not followed, since their
 * location never went through `checkDestination`.
 */
export function deliver(target: DeliveryTarget, request: DeliveryRequest, options: DeliverOptions = {}): Promise<DeliveryResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let req: ClientRequest | undefined;
    let res: IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    let received = 0;

    const finish = (result: Omit<DeliveryResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      res?.destroy();
      req?.destroy();
      resolve({ ...result, durationMs: Math.round(performance.now() - started) });
    };
    const failed = (error: string) => finish({ ok: false, status: null, error, retryAfterMs: null, gone: false, responseExcerpt: "" });
    const answered = (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const retryAfter = status === 429 || status === 503 ? response.headers["retry-after"] : undefined;
      finish({
        ok: status >= 200 && status < 300,
        status,
        error: null,
        retryAfterMs: parseRetryAfter(retryAfter, Date.now()),
        gone: status === 410,
        responseExcerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8"),
      });
    };

    // A receiver that has answered but trickles its body keeps its status: only the excerpt is cut short.
    const timer = setTimeout(() => (res === undefined ? failed(`no answer within ${seconds(timeoutMs)}`) : answered(res)), timeoutMs);

    try {
      const send = target.url.protocol === "https:" ? httpsRequest : httpRequest;
      req = send(requestOptions(target, request, options), (response) => {
        res = response;
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          received += chunk.length;
          if (received >= EXCERPT_BYTES) answered(response);
        });
        response.on("end", () => answered(response));
        response.on("error", () => answered(response));
      });
      req.on("error", (error) => (res === undefined ? failed(describeTransportError(error, target)) : answered(res)));
      req.end(request.body);
    } catch (error) {
      // node:http throws synchronously on, e.g., a header value with a newline in it.
      failed(`could not send to ${describeOrigin(target.url)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
}
