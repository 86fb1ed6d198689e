import { randomUUID } from "node:crypto";

/** What the router reads from a request's headers, found in one pass over `rawHeaders`. */
export interface ScannedRequest {
  /** Header lines to send upstream (`name: value\r\n`…), without hop-by-hop and forwarding headers. */
  lines: string;
  host: string | undefined;
  forwardedFor: string | undefined;
  forwardedProto: string | undefined;
  forwardedHost: string | undefined;
  requestId: string | undefined;
  /** A body follows (content-length > 0 or transfer-encoding). */
  hasBody: boolean;
  /** The body has no length: it is sent upstream with chunked encoding. */
  chunked: boolean;
}

const same = (name: string, lower: string) => name === lower || name.toLowerCase() === lower;

/**
 * One pass over `req.rawHeaders` (reading `req.headers` would build a second object). Names are
 * compared by length first, so most headers cost one switch and no string work. With `upgrade`, the
 * `connection` and `upgrade` headers stay: the tunnel needs them.
 */
export function scanRequestHeaders(raw: readonly string[], upgrade = false): ScannedRequest {
  const out: ScannedRequest = {
    lines: "",
    host: undefined,
    forwardedFor: undefined,
    forwardedProto: undefined,
    forwardedHost: undefined,
    requestId: undefined,
    hasBody: false,
    chunked: false,
  };
  let lines = "";
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    switch (name.length) {
      case 2: // te
        if (same(name, "te")) continue;
        break;
      case 4:
        if (same(name, "host")) out.host ??= value;
        break;
      case 6: // expect: node answers 100-continue itself
        if (same(name, "expect")) continue;
        break;
      case 7: // upgrade, trailer; an upgrade request keeps its upgrade header for the tunnel
        if ((!upgrade && same(name, "upgrade")) || same(name, "trailer")) continue;
        break;
      case 10: // connection, keep-alive
        if ((!upgrade && same(name, "connection")) || same(name, "keep-alive")) continue;
        break;
      case 12:
        if (same(name, "x-request-id")) {
          out.requestId ??= value;
          continue;
        }
        break;
      case 14:
        if (same(name, "content-length") && value !== "0") out.hasBody = true;
        break;
      case 15:
        if (same(name, "x-forwarded-for")) {
          out.forwardedFor = out.forwardedFor === undefined ? value : `${out.forwardedFor}, ${value}`;
          continue;
        }
        break;
      case 16: // x-forwarded-host, proxy-connection
        if (same(name, "x-forwarded-host")) {
          out.forwardedHost ??= value;
          continue;
        }
        if (same(name, "proxy-connection")) continue;
        break;
      case 17: // x-forwarded-proto, transfer-encoding
        if (same(name, "x-forwarded-proto")) {
          out.forwardedProto ??= value;
          continue;
        }
        if (same(name, "transfer-encoding")) {
          // Node decoded the body (and refuses it beside content-length); it goes upstream re-chunked.
          out.hasBody = true;
          out.chunked = true;
          continue;
        }
        break;
    }
    lines += `${name}: ${value}\r\n`;
  }
  out.lines = lines;
  return out;
}

const validRequestId = /^[\w.:@/+=-]{1,128}$/;

/** Keeps a sane incoming X-Request-Id, otherwise makes one. */
export function requestIdFor(incoming: string | undefined): string {
  return incoming !== undefined && validRequestId.test(incoming) ? incoming : randomUUID();
}

/** Hop-by-hop response headers that must not be copied to the client. */
export const hopByHopResponse: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
]);
