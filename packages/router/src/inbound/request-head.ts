import { Field, classify, fieldValue, listsToken, validFieldLines } from "../header-names.ts";
import type { ScannedRequest } from "../request-headers.ts";

/** A request the router's fast path can proxy on its own: HTTP/1.1, origin-form target, no body. */
export interface SimpleRequest extends ScannedRequest {
  method: string;
  target: string;
  /** The request line, CRLF included, as the client sent it. */
  requestLine: string;
  /** The client asked to close the connection after this response. */
  close: boolean;
}

/** Tested, not matched: the parts are cut out by position, without a match array. */
const requestLine = /^[A-Z]{1,20} \/[\x21-\x7e]* HTTP\/1\.1$/;

/**
 * Reads a request head (the text before its CRLFCRLF, as latin1) when it is the plain kind the fast
 * path proxies by itself. Anything else — a body, HTTP/1.0, an upgrade, `Expect`, a missing or
 * repeated Host, a malformed line — gives undefined, and the connection goes to Node's HTTP server,
 * which knows every other case (and how to refuse a bad request).
 */
export function parseSimpleRequest(text: string): SimpleRequest | undefined {
  const lineEnd = text.indexOf("\r\n");
  if (lineEnd === -1) return undefined; // no Host header
  if (!requestLine.test(text.slice(0, lineEnd))) return undefined;
  const fieldsAt = lineEnd + 2;
  if (!validFieldLines.test(text.slice(fieldsAt))) return undefined;
  const space = text.indexOf(" ");
  const out: SimpleRequest = {
    method: text.slice(0, space),
    target: text.slice(space + 1, lineEnd - 9), // before " HTTP/1.1"
    requestLine: text.slice(0, fieldsAt),
    close: false,
    lines: "",
    host: undefined,
    forwardedFor: undefined,
    forwardedProto: undefined,
    forwardedHost: undefined,
    requestId: undefined,
    hasBody: false,
    chunked: false,
  };
  // Kept lines are copied as runs of the original text; a dropped line ends a run.
  let lines = "";
  let run = fieldsAt;
  let at = fieldsAt;
  while (at < text.length) {
    let end = text.indexOf("\r\n", at);
    if (end === -1) end = text.length;
    const colon = text.indexOf(":", at);
    const field = classify(text, at, colon);
    let drop = true;
    switch (field) {
      case Field.other:
      case Field.date:
        drop = false;
        break;
      case Field.host:
        if (out.host !== undefined) return undefined;
        out.host = fieldValue(text, colon + 1, end);
        if (out.host === "") return undefined;
        drop = false;
        break;
      case Field.connection: {
        const value = fieldValue(text, colon + 1, end);
        if (listsToken(value, "upgrade")) return undefined;
        if (listsToken(value, "close")) out.close = true;
        break;
      }
      case Field.contentLength:
        if (fieldValue(text, colon + 1, end) !== "0") return undefined;
        drop = false;
        break;
      case Field.transferEncoding:
      case Field.expect:
      case Field.upgrade:
        return undefined;
      case Field.requestId:
        out.requestId ??= fieldValue(text, colon + 1, end);
        break;
      case Field.forwardedFor: {
        const value = fieldValue(text, colon + 1, end);
        out.forwardedFor = out.forwardedFor === undefined ? value : `${out.forwardedFor}, ${value}`;
        break;
      }
      case Field.forwardedProto:
        out.forwardedProto ??= fieldValue(text, colon + 1, end);
        break;
      case Field.forwardedHost:
        out.forwardedHost ??= fieldValue(text, colon + 1, end);
        break;
    }
    if (drop) {
      lines += text.slice(run, at);
      run = end + 2;
    }
    at = end + 2;
  }
  if (run < text.length) lines += `${text.slice(run)}\r\n`;
  out.lines = lines;
  if (out.host === undefined) return undefined;
  return out;
}
