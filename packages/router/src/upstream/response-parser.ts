/**
 * An HTTP/1.1 response parser for the upstream side of the proxy: heads are parsed once into the flat
 * `[name, value, …]` form `res.writeHead` takes (hop-by-hop headers left out), bodies are framed by
 * Content-Length, chunked encoding or connection close, and body bytes are handed on as slices of the
 * socket's buffers — never copied.
 */

export interface ResponseHead {
  status: number;
  statusText: string;
  /** Flat `[name, value, …]` in the upstream's case, without hop-by-hop headers. */
  headers: string[];
  hasRequestId: boolean;
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

const lower = (name: string, expected: string) => name.length === expected.length && (name === expected || name.toLowerCase() === expected);

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
          this.#head(data.toString("latin1", offset, end));
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
    const lines = text.split("\r\n");
    const statusLine = lines[0]!;
    const match = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(statusLine);
    if (match === null) throw new UpstreamProtocolError(`bad status line "${statusLine.slice(0, 80)}"`);
    const minor = match[1];
    const status = Number(match[2]);
    const headers: string[] = [];
    let contentLength = -1;
    let chunked = false;
    let hasTransferEncoding = false;
    let connection = "";
    let hasRequestId = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
        throw new UpstreamProtocolError(`bad header line "${line.slice(0, 80)}"`);
      }
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      switch (name.length) {
        case 2:
          if (lower(name, "te")) continue;
          break;
        case 7:
          if (lower(name, "trailer") || lower(name, "upgrade")) continue;
          break;
        case 10:
          if (lower(name, "connection")) {
            connection = value.toLowerCase();
            continue;
          }
          if (lower(name, "keep-alive")) continue;
          break;
        case 12:
          if (lower(name, "x-request-id")) hasRequestId = true;
          break;
        case 14:
          if (lower(name, "content-length")) {
            if (!/^\d{1,15}$/.test(value)) throw new UpstreamProtocolError(`bad content-length "${value}"`);
            const n = Number(value);
            if (contentLength !== -1 && contentLength !== n) throw new UpstreamProtocolError("conflicting content-length headers");
            if (contentLength !== -1) continue;
            contentLength = n;
          }
          break;
        case 16:
          if (lower(name, "proxy-connection")) continue;
          break;
        case 17:
          if (lower(name, "transfer-encoding")) {
            hasTransferEncoding = true;
            chunked = /(?:^|,)\s*chunked\s*$/i.test(value);
            continue;
          }
          break;
      }
      headers.push(name, value);
    }
    if (status < 200) {
      // 100 Continue, 103 Early Hints: informational, the real response follows.
      if (status === 101) throw new UpstreamProtocolError("101 Switching Protocols to a request that did not ask for it");
      return;
    }
    this.#keepAlive = minor === "1" ? !/(?:^|,)\s*close\s*(?:,|$)/.test(connection) : /(?:^|,)\s*keep-alive\s*(?:,|$)/.test(connection);
    if (hasTransferEncoding && contentLength !== -1) {
      // RFC 9112 §6.3: transfer-encoding wins, and the connection must not be reused.
      const at = headers.findIndex((h, i) => i % 2 === 0 && h.toLowerCase() === "content-length");
      headers.splice(at, 2);
      contentLength = -1;
      this.#keepAlive = false;
    }
    this.sink.onHead({ status, statusText: match[3] ?? "", headers, hasRequestId });
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
