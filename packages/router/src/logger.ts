/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

/** The logger the router needs; the controller's JSON logger fits it too. */
export interface RouterLogger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * Writes a line that is already JSON (with its newline). The access log uses it when present:
   * formatting a known shape directly costs a fraction of a generic `info(message, fields)`.
   */
  write?(jsonLine: string): void;
}

/** Where request lines go; with `errorsOnly`, only 5xx answers and requests cut by an error are written. */
export type AccessLogSink = RouterLogger & { readonly errorsOnly?: boolean };

let lastMs = 0;
let lastIso = "";
/** `new Date().toISOString()`, computed at most once per millisecond. */
export function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

/** Anything outside the characters JSON leaves as they are (quote, backslash, controls, U+2028/9, surrogates). */
const needsEscape = /[^\x20\x21\x23-\x5b\x5d-\u2027\u202a-\ud7ff\ue000-\uffff]/;
/** A JSON string literal; skips JSON.stringify for the usual plain ASCII values. */
export function jsonString(value: string): string {
  return needsEscape.test(value) ? JSON.stringify(value) : `"${value}"`;
}

export const silentLogger: RouterLogger = { info: () => {}, warn: () => {}, error: () => {} };

function errorFields(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out: LogFields = { message: value.message };
  if ("code" in value) out.code = value.code;
  if (value.cause !== undefined) out.cause = errorFields(value.cause);
  return out;
}

/**
 * JSON lines, buffered: one write per `flushMs` or per `maxBytes` instead of one per line, because the
 * access log writes a line per request and a synchronous write each (stdout to a file is synchronous)
 * would cost more than the proxying.
 */
export function createJsonLogger(write: (chunk: string) => void, options: { flushMs?: number; maxBytes?: number } = {}) {
  const flushMs = options.flushMs ?? 100;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  let buffer = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (buffer === "") return;
    const chunk = buffer;
    buffer = "";
    write(chunk);
  };
  const line = (level: string, msg: string, fields?: LogFields) => {
    let extra = "";
    if (fields !== undefined) {
      for (const key in fields) {
        const value = fields[key];
        if (value !== undefined) extra += `,${JSON.stringify(key)}:${JSON.stringify(errorFields(value))}`;
      }
    }
    raw(`{"time":"${isoNow()}","level":"${level}","msg":${JSON.stringify(msg)}${extra}}\n`);
  };
  const raw = (jsonLine: string) => {
    buffer += jsonLine;
    if (buffer.length >= maxBytes) flush();
    else timer ??= setTimeout(flush, flushMs).unref();
  };
  const logger: RouterLogger & { write(jsonLine: string): void; flush(): void } = {
    info: (m, f) => line("info", m, f),
    warn: (m, f) => line("warn", m, f),
    error: (m, f) => line("error", m, f),
    write: raw,
    flush,
  };
  return logger;
}
