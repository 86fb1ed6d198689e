/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
const levels: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Keys whose values never reach a log line, at any depth. */
const secretKey = /pass(word)?|token|secret|key|authorization|cookie|values/i;

/** Replaces secrets by "[redacted]" and errors by their message, code and cause chain. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[deep]";
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    if ("code" in value) out.code = value.code;
    if (value.stack !== undefined) out.stack = value.stack;
    if (value.cause !== undefined) out.cause = redact(value.cause, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = secretKey.test(k) ? "[redacted]" : redact(v, depth + 1);
    return out;
  }
  return value;
}

/** JSON lines on a writable (stdout in production). */
export function createJsonLogger(
  write: (line: string) => void,
  minLevel: LogLevel = "info",
  base: LogFields = {},
): Logger {
  const log = (level: LogLevel, message: string, fields?: LogFields) => {
    if (levels[level] < levels[minLevel]) return;
    const line = { time: new Date().toISOString(), level, msg: message, ...(redact({ ...base, ...fields }) as LogFields) };
    write(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (fields) => createJsonLogger(write, minLevel, { ...base, ...fields }),
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
