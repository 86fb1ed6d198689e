/** Structured fields of a log line. */
export type LogFields = Record<string, unknown>;

/** The logger the builder is given; the controller's JSON logger fits it. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** JSON lines through `write` (stdout in production). */
export function createJsonLogger(write: (line: string) => void, base: LogFields = {}): Logger {
  const log = (level: string, msg: string, fields?: LogFields) => {
    const extra: LogFields = {};
    for (const [key, value] of Object.entries(fields ?? {})) extra[key] = value instanceof Error ? { message: value.message } : value;
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...extra })}\n`);
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (fields) => createJsonLogger(write, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
