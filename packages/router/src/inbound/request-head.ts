import { Field, FieldLines, listsToken, validFieldLines } from "../header-names.ts";
import { emptyScan, type ScannedRequest } from "../request-headers.ts";

/** A request the router's fast path can proxy on its own: HTTP/1.1, origin-form target, no body. */
export interface SimpleRequest {
  method: string;
  target: string;
  /** The request line, CRLF included, as the client sent it. */
  requestLine: string;
  /** The client asked to close the connection after this response. */
  close: boolean;
  /** What the router reads from the headers, as for a request Node parsed. */
  scan: ScannedRequest;
}

/** Tested, not matched: the parts are cut out by position, without a match array. */
const requestLine = /^[A-Z]{1,20} \/[\x21-\x7e]* HTTP\/1\.1$/;

/** A control byte no request head carries, a bare LF, or a bare CR. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control bytes is the point
const brokenBytes = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|(?:^|[^\r])\n|\r[^\n]/;
/** What a request line can look like before its end has arrived: method, target, version, in pieces. */
const requestLineStart = /^[A-Z]{0,20}(?: [\x21-\x7e]*(?: [\x21-\x7e]*)?)?\r?$/;

/**
 * True when the start of a head (`text`, no CRLFCRLF yet) can no longer become a request the fast path
 * proxies: the bytes are broken, or the request line is not the plain kind. Waiting for the rest would
 * only end in a 408 after the headers timeout; Node's HTTP server refuses (or serves) it at once.
 */
export function notASimpleStart(text: string): boolean {
  if (brokenBytes.test(text)) return true;
  const lineEnd = text.indexOf("\r\n");
  return lineEnd === -1 ? !requestLineStart.test(text) : !requestLine.test(text.slice(0, lineEnd));
}

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
  const scan = emptyScan();
  let close = false;
  const fields = new FieldLines(text, fieldsAt);
  while (fields.next()) {
    switch (fields.field()) {
      case Field.host:
        if (scan.host !== undefined) return undefined;
        scan.host = fields.value();
        if (scan.host === "") return undefined;
        break;
      case Field.contentLength:
        if (fields.value() !== "0") return undefined;
        break;
      case Field.transferEncoding:
      case Field.expect:
      case Field.upgrade:
        return undefined;
      case Field.connection: {
        const value = fields.value();
        if (listsToken(value, "upgrade")) return undefined;
        if (listsToken(value, "close")) close = true;
        fields.drop();
        break;
      }
      case Field.hopByHop:
        fields.drop();
        break;
      case Field.requestId:
        scan.requestId ??= fields.value();
        fields.drop();
        break;
      case Field.forwardedFor: {
        const value = fields.value();
        scan.forwardedFor = scan.forwardedFor === undefined ? value : `${scan.forwardedFor}, ${value}`;
        fields.drop();
        break;
      }
      case Field.forwardedProto:
        scan.forwardedProto ??= fields.value();
        fields.drop();
        break;
      case Field.forwardedHost:
        scan.forwardedHost ??= fields.value();
        fields.drop();
        break;
    }
  }
  if (scan.host === undefined) return undefined;
  scan.lines = fields.kept();
  const space = text.indexOf(" ");
  // The target ends before " HTTP/1.1".
  return { method: text.slice(0, space), target: text.slice(space + 1, lineEnd - 9), requestLine: text.slice(0, fieldsAt), close, scan };
}
