/**
 * The header names the router acts on, recognised in place (no substring, no lower-casing): by
 * length first, so most names cost one switch. Shared by the request and response sides.
 */
export const Field = {
  other: 0,
  host: 1,
  date: 2,
  forwardedFor: 3,
  forwardedProto: 4,
  forwardedHost: 5,
  requestId: 6,
  connection: 7,
  contentLength: 8,
  transferEncoding: 9,
  expect: 10,
  upgrade: 11,
  /** Hop-by-hop headers no proxy passes on: te, trailer, keep-alive, proxy-connection. */
  hopByHop: 12,
} as const;
export type Field = (typeof Field)[keyof typeof Field];

/**
 * Whether `text` holds `lower` at `start`, ignoring ASCII case. Exact for field names, which are
 * tokens: no token character other than a capital letter turns into a letter or `-` by `| 0x20`.
 */
function at(text: string, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = text.charCodeAt(start + i);
    const l = lower.charCodeAt(i);
    if (c !== l && (c | 0x20) !== l) return false;
  }
  return true;
}

/** What the field name `text[start, end)` is to the router. */
export function classify(text: string, start: number, end: number): Field {
  switch (end - start) {
    case 2:
      return at(text, start, "te") ? Field.hopByHop : Field.other;
    case 4:
      return at(text, start, "host") ? Field.host : at(text, start, "date") ? Field.date : Field.other;
    case 6:
      return at(text, start, "expect") ? Field.expect : Field.other;
    case 7:
      return at(text, start, "upgrade") ? Field.upgrade : at(text, start, "trailer") ? Field.hopByHop : Field.other;
    case 10:
      return at(text, start, "connection") ? Field.connection : at(text, start, "keep-alive") ? Field.hopByHop : Field.other;
    case 12:
      return at(text, start, "x-request-id") ? Field.requestId : Field.other;
    case 14:
      return at(text, start, "content-length") ? Field.contentLength : Field.other;
    case 15:
      return at(text, start, "x-forwarded-for") ? Field.forwardedFor : Field.other;
    case 16:
      return at(text, start, "x-forwarded-host") ? Field.forwardedHost : at(text, start, "proxy-connection") ? Field.hopByHop : Field.other;
    case 17:
      return at(text, start, "x-forwarded-proto")
        ? Field.forwardedProto
        : at(text, start, "transfer-encoding")
          ? Field.transferEncoding
          : Field.other;
    default:
      return Field.other;
  }
}

/**
 * Field lines as RFC 9110 §5 allows them, each `token:value`, the value HTAB, SP, visible ASCII or
 * obs-text — so no control character and no CR or LF outside a line end, the bytes that would
 * split or smuggle a message. Tested on the text between the start line and the empty line.
 */
export const validFieldLines = /^(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\x80-\xff]*(?:\r\n|$))*$/;

/**
 * Walks the field lines of a head (`text` from `from`, lines split by CRLF, already validated) and
 * builds the lines to pass on: kept ones are copied as runs of the original text, so a head whose
 * lines all stay costs one slice.
 */
export class FieldLines {
  readonly text: string;
  /** The current line: its name is `[start, colon)`, its value `(colon, end)`. */
  start = 0;
  colon = 0;
  end = 0;
  #next: number;
  #run: number;
  #kept = "";

  constructor(text: string, from: number) {
    this.text = text;
    this.#next = from;
    this.#run = from;
  }

  /** Moves to the next line; false after the last. */
  next(): boolean {
    const text = this.text;
    if (this.#next >= text.length) return false;
    this.start = this.#next;
    const end = text.indexOf("\r\n", this.start);
    this.end = end === -1 ? text.length : end;
    this.colon = text.indexOf(":", this.start);
    this.#next = this.end + 2;
    return true;
  }

  field(): Field {
    return classify(this.text, this.start, this.colon);
  }

  value(): string {
    return fieldValue(this.text, this.colon + 1, this.end);
  }

  /** Leaves the current line out of {@link kept}. */
  drop(): void {
    this.#kept += this.text.slice(this.#run, this.start);
    this.#run = this.end + 2;
  }

  /** The lines not dropped, each ending in CRLF ("" when none). */
  kept(): string {
    return this.#run < this.text.length ? `${this.#kept}${this.text.slice(this.#run)}\r\n` : this.#kept;
  }
}

/** OWS around a value: spaces and tabs only (`trim` would also take latin1's NBSP). */
export function fieldValue(text: string, start: number, end: number): string {
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return text.slice(start, end);
}

/** A comma-separated header value lists `token` (case-insensitive), as `Connection: close`. */
export function listsToken(value: string, token: string): boolean {
  const lower = value.toLowerCase();
  let from = 0;
  for (;;) {
    const i = lower.indexOf(token, from);
    if (i === -1) return false;
    const before = lower.slice(0, i).trimEnd();
    const after = lower.slice(i + token.length).trimStart();
    if ((before === "" || before.endsWith(",")) && (after === "" || after.startsWith(","))) return true;
    from = i + 1;
  }
}
