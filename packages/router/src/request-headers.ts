import { randomUUID } from "node:crypto";
import { Field, classify } from "./header-names.ts";

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

/** A scan that found nothing yet (one literal, so every scan has the same shape). */
export function emptyScan(): ScannedRequest {
  return {
    lines: "",
    host: undefined,
    forwardedFor: undefined,
    forwardedProto: undefined,
    forwardedHost: undefined,
    requestId: undefined,
    hasBody: false,
    chunked: false,
  };
}

/**
 * One pass over `req.rawHeaders` (reading `req.headers` would build a second object). With `upgrade`,
 * the `connection` and `upgrade` headers stay: the tunnel needs them.
 */
export function scanRequestHeaders(raw: readonly string[], upgrade = false): ScannedRequest {
  const out = emptyScan();
  let lines = "";
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    switch (classify(name, 0, name.length)) {
      case Field.host:
        out.host ??= value;
        break;
      case Field.hopByHop:
      case Field.expect: // node answers 100-continue itself
        continue;
      case Field.upgrade:
      case Field.connection: // an upgrade request keeps both for the tunnel
        if (!upgrade) continue;
        break;
      case Field.requestId:
        out.requestId ??= value;
        continue;
      case Field.contentLength:
        if (value !== "0") out.hasBody = true;
        break;
      case Field.forwardedFor:
        out.forwardedFor = out.forwardedFor === undefined ? value : `${out.forwardedFor}, ${value}`;
        continue;
      case Field.forwardedHost:
        out.forwardedHost ??= value;
        continue;
      case Field.forwardedProto:
        out.forwardedProto ??= value;
        continue;
      case Field.transferEncoding:
        // Node decoded the body (and refuses it beside content-length); it goes upstream re-chunked.
        out.hasBody = true;
        out.chunked = true;
        continue;
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
