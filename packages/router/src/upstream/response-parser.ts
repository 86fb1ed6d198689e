import { latin1 } from "../latin1.ts";
import { classify, Field, FieldLines, fieldValue, listsToken, validFieldLines } from "../header-names.ts";

/**
 * An HTTP/1.1 response parser for the upstream side of the proxy: heads are parsed once, their header
 * lines kept as the app sent them (hop-by-hop ones left out), bodies are framed by
 * Content-Length, chunked encoding or connection close, and body bytes are handed on as slices of the
 * socket's buffers — never copied.
 */

/** A response head as parsed: status, and the header lines to pass on (hop-by-hop ones left out). */
export class ResponseHead {
  readonly status: number;
  readonly statusText: string;
  /** `Name: value\r\n` lines, as the upstream sent them, without hop-by-hop headers ("" when none). */
  readonly lines: string;
  readonly hasRequestId: boolean;
  readonly hasDate: boolean;
  /** The body's Content-Length (a line in `lines`); -1 when the body is chunked or runs until close. */
  readonly contentLength: number;

  constructor(status: number, statusText: string, lines: string, hasRequestId: boolean, hasDate: boolean, contentLength: number) {
    this.status = status;
    this.statusText = statusText;
    this.lines = lines;
    this.hasRequestId = hasRequestId;
    this.hasDate = hasDate;
    this.contentLength = contentLength;
  }

  /** Flat `[name, value, …]`, as `res.writeHead` takes them. */
  headers(): string[] {
    const out: string[] = [];
    const lines = this.lines;
    let at = 0;
    while (at < lines.length) {
      const end = lines.indexOf("\r\n", at);
      const colon = lines.indexOf(":", at);
      out.push(lines.slice(at, colon), fieldValue(lines, colon + 1, end));
      at = end + 2;
    }
    return out;
  }
}

export interface ParserSink {
  onHead(head: ResponseHead): void;
  /** Returns false when the consumer is full; the caller pauses the socket. */
  onData(chunk: Buffer): boolean;
  /** `last`: the final body bytes, when the end came with them. */
  onEnd(keepAlive: boolean, last: Buffer | undefined): void;
}

export class UpstreamProtocolError extends Error {
  readonly code = "UPSTREAM_PROTOCOL_ERROR";
}

const MAX_HEAD = 64 * 1024;
const CRLFCRLF = Buffer.from("\r\n\r\n");

const State = { head: 0, length: 1, chunkSize: 2, chunkData: 3, chunkDataEnd: 4, trailers: 5, untilClose: 6, done: 7 } as const;
type State = (typeof State)[keyof typeof State];

/** Tested, not matched: the parts are read by position (`HTTP/1.x NNN reason`), without a match array. */
const statusLine = /^HTTP\/1\.[01] [1-9]\d\d(?: [\t\x20-\x7e\x80-\xff]*)?$/;

/** The first offending field line, escaped, for the 502 page and the log. */
function describeBadLine(fields: string): string {
  const bad = fields.split("\r\n").find((line) => !validFieldLines.test(line)) ?? fields;
  return JSON.stringify(bad.slice(0, 80));
}

/** `lines` without its Content-Length lines. */
function withoutContentLength(lines: string): string {
  return lines
    .split("\r\n")
    .filter((line) => line !== "" && classify(line, 0, line.indexOf(":")) !== Field.contentLength)
    .map((line) => `${line}\r\n`)
    .join("");
}

export class ResponseParser {
  readonly sink: ParserSink;
  /** The request was HEAD: no body follows whatever the headers say. */
  headRequest = false;
  state: State = State.head;
  #pending: Buffer | undefined = undefined;
  #remaining = 0;
  #keepAlive = true;

  constructor(sink: ParserSink) {
    this.sink = sink;
  }

  reset(headRequest: boolean): void {
    this.headRequest = headRequest;
    this.state = State.head;
    this.#pending = undefined;
  }

  get done(): boolean {
    return this.state === State.done;
  }

  /** True while a body is delimited by the connection closing. */
  get untilClose(): boolean {
    return this.state === State.untilClose;
  }

  /** Feeds bytes; returns false when the sink asked to pause. Throws {@link UpstreamProtocolError}. */
  execute(input: Buffer): boolean {
    const data = this.#pending === undefined ? input : Buffer.concat([this.#pending, input]);
    this.#pending = undefined;
    let offset = 0;
    let flowing = true;
    while (offset < data.length) {
      switch (this.state) {
        case State.head: {
          const end = data.indexOf(CRLFCRLF, offset);
          if (end === -1) {
            if (data.length - offset > MAX_HEAD) throw new UpstreamProtocolError("response head larger than 64 KiB");
            this.#pending = data.subarray(offset);
            return flowing;
          }
          this.#head(latin1(data, offset, end));
          offset = end + 4;
          break;
        }
        case State.length: {
          const n = Math.min(this.#remaining, data.length - offset);
          const slice = offset === 0 && n === data.length ? data : data.subarray(offset, offset + n);
          offset += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.#finish(slice);
          else flowing = this.sink.onData(slice) && flowing;
          break;
        }
        case State.chunkSize: {
          const eol = data.indexOf(10, offset);
          if (eol === -1) {
            if (data.length - offset > 1024) throw new UpstreamProtocolError("chunk size line too long");
            this.#pending = data.subarray(offset);
            return flowing;
          }
          const line = data.toString("latin1", offset, eol).trim();
          const semi = line.indexOf(";");
          const hex = semi === -1 ? line : line.slice(0, semi).trim();
          if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new UpstreamProtocolError(`bad chunk size "${hex}"`);
          this.#remaining = Number.parseInt(hex, 16);
          this.state = this.#remaining === 0 ? State.trailers : State.chunkData;
          offset = eol + 1;
          break;
        }
        case State.chunkData: {
          const n = Math.min(this.#remaining, data.length - offset);
          flowing = this.sink.onData(data.subarray(offset, offset + n)) && flowing;
          offset += n;
          this.#remaining -= n;
          if (this.#remaining === 0) this.state = State.chunkDataEnd;
          break;
        }
        case State.chunkDataEnd: {
          if (data.length - offset < 2) {
            this.#pending = data.subarray(offset);
            return flowing;
          }
          if (data[offset] !== 13 || data[offset + 1] !== 10) throw new UpstreamProtocolError("chunk not followed by CRLF");
          offset += 2;
          this.state = State.chunkSize;
          break;
        }
        case State.trailers: {
          // Trailers are dropped (Node would need them declared up front); the empty line ends the body.
          const eol = data.indexOf(10, offset);
          if (eol === -1) {
            this.#pending = data.subarray(offset);
            return flowing;
          }
          const empty = eol === offset || (eol === offset + 1 && data[offset] === 13);
          offset = eol + 1;
          if (empty) this.#finish();
          break;
        }
        case State.untilClose:
          flowing = this.sink.onData(offset === 0 ? data : data.subarray(offset)) && flowing;
          offset = data.length;
          break;
        case State.done:
          // Bytes after a complete response on a non-pipelined connection: the upstream misbehaves.
          throw new UpstreamProtocolError("unexpected bytes after the response");
      }
      if ((this.state as State) === State.done && offset < data.length)
        throw new UpstreamProtocolError("unexpected bytes after the response");
    }
    return flowing;
  }

  #head(text: string): void {
    const lineEnd = text.indexOf("\r\n");
    const firstLine = lineEnd === -1 ? text : text.slice(0, lineEnd);
    if (!statusLine.test(firstLine)) throw new UpstreamProtocolError(`bad status line ${JSON.stringify(firstLine.slice(0, 80))}`);
    const status = (text.charCodeAt(9) - 48) * 100 + (text.charCodeAt(10) - 48) * 10 + (text.charCodeAt(11) - 48);
    const http11 = text.charCodeAt(7) === 49;
    const statusText = firstLine.length > 13 ? firstLine.slice(13) : "";
    const fieldsAt = lineEnd === -1 ? text.length : lineEnd + 2;
    if (!validFieldLines.test(text.slice(fieldsAt))) {
      throw new UpstreamProtocolError(`invalid character or line in the response head: ${describeBadLine(text.slice(fieldsAt))}`);
    }
    const fields = new FieldLines(text, fieldsAt);
    let contentLength = -1;
    let chunked = false;
    let hasTransferEncoding = false;
    let connection = "";
    let hasRequestId = false;
    let hasDate = false;
    while (fields.next()) {
      switch (fields.field()) {
        case Field.requestId:
          hasRequestId = true;
          break;
        case Field.date:
          hasDate = true;
          break;
        case Field.connection:
          connection = connection === "" ? fields.value() : `${connection},${fields.value()}`;
          fields.drop();
          break;
        case Field.hopByHop:
        case Field.upgrade:
          fields.drop();
          break;
        case Field.contentLength: {
          const value = fields.value();
          if (!/^\d{1,15}$/.test(value)) throw new UpstreamProtocolError(`bad content-length "${value}"`);
          const n = Number(value);
          if (contentLength !== -1 && contentLength !== n) throw new UpstreamProtocolError("conflicting content-length headers");
          if (contentLength !== -1) fields.drop(); // a repeated, equal one
          contentLength = n;
          break;
        }
        case Field.transferEncoding:
          hasTransferEncoding = true;
          chunked = /(?:^|,)\s*chunked\s*$/i.test(fields.value());
          fields.drop();
          break;
      }
    }
    let lines = fields.kept();
    if (status < 200) {
      // 100 Continue, 103 Early Hints: informational, the real response follows.
      if (status === 101) throw new UpstreamProtocolError("101 Switching Protocols to a request that did not ask for it");
      return;
    }
    this.#keepAlive = http11 ? !listsToken(connection, "close") : listsToken(connection, "keep-alive");
    if (hasTransferEncoding && contentLength !== -1) {
      // RFC 9112 §6.3: transfer-encoding wins, and the connection must not be reused.
      lines = withoutContentLength(lines);
      contentLength = -1;
      this.#keepAlive = false;
    }
    this.sink.onHead(new ResponseHead(status, statusText, lines, hasRequestId, hasDate, contentLength));
    if (this.headRequest || status === 204 || status === 304) this.#finish();
    else if (chunked) this.state = State.chunkSize;
    else if (hasTransferEncoding) {
      this.#keepAlive = false;
      this.state = State.untilClose;
    } else if (contentLength === 0) this.#finish();
    else if (contentLength > 0) {
      this.#remaining = contentLength;
      this.state = State.length;
    } else {
      this.#keepAlive = false;
      this.state = State.untilClose;
    }
  }

  /** The connection closed: ends a close-delimited body; anything else was cut short. */
  closed(): boolean {
    if (this.state === State.untilClose) {
      this.#finish();
      return true;
    }
    return this.state === State.done;
  }

  #finish(last?: Buffer): void {
    this.state = State.done;
    this.sink.onEnd(this.#keepAlive, last);
  }
}
