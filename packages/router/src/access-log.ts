import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { accessLogSettings, type Env, readSettings, type Values } from "@berth/config";
import { type AccessLogSink, createJsonLogger, type RouterLogger, silentLogger } from "./logger.ts";

/**
 * Which requests the access log records, and where: `off`; `errors` (5xx answers and requests cut by
 * an error, on the log output; the default, so a busy router does not flood the terminal); `on`
 * (every request, on the log output); or every request to a file rotated by size.
 */
export type AccessLogSetting = "off" | "errors" | "on" | { file: string; maxBytes: number };

/** Reads `BERTH_ROUTER_ACCESS_LOG` and `BERTH_ROUTER_ACCESS_LOG_MAX_MB` (the stand-alone router and the platform alike). */
export function accessLogSetting(env: Env): AccessLogSetting {
  return accessLogFrom(readSettings(accessLogSettings, env));
}

/** The access log setting from the values `accessLogSettings` declares. */
export function accessLogFrom({ accessLog, accessLogMaxMb }: Values<typeof accessLogSettings>): AccessLogSetting {
  if (typeof accessLog === "string") return accessLog;
  return { file: accessLog.file, maxBytes: Math.round(accessLogMaxMb * 1024 * 1024) };
}

export interface AccessLog {
  /** What the router writes request lines to (`RouterDeps.accessLog`). */
  sink: AccessLogSink;
  /** Writes what is buffered (a file log batches its lines). */
  flush(): void;
  close(): void;
}

/**
 * Opens the access log `setting` names; `logger` is the router's log output, which also hears of a
 * file that cannot be written (once, until a write succeeds again: lines are dropped meanwhile, as
 * nginx does, rather than stopping the proxy).
 */
export function openAccessLog(setting: AccessLogSetting, logger: RouterLogger): AccessLog {
  const nothing = () => {};
  if (setting === "off") return { sink: silentLogger, flush: nothing, close: nothing };
  if (setting === "on") return { sink: logger, flush: nothing, close: nothing };
  if (setting === "errors") {
    const sink: AccessLogSink = {
      info: (m, f) => logger.info(m, f),
      warn: (m, f) => logger.warn(m, f),
      error: (m, f) => logger.error(m, f),
      errorsOnly: true,
    };
    if (logger.write !== undefined) sink.write = (line) => logger.write!(line);
    return { sink, flush: nothing, close: nothing };
  }
  const file = new RotatingFile(setting.file, setting.maxBytes, (error) =>
    logger.error("access log not written; lines are dropped until it can be", { file: setting.file, error }),
  );
  const json = createJsonLogger((chunk) => file.write(chunk));
  return {
    sink: json,
    flush: () => json.flush(),
    close: () => {
      json.flush();
      file.close();
    },
  };
}

/**
 * Appends to `path`; a write that would take it past `maxBytes` first renames it to `<path>.1`
 * (replacing the one before), so the log takes at most twice `maxBytes` on disk. Writes are
 * synchronous: they come in batches of up to 64 KiB (see `createJsonLogger`), into the page cache.
 */
class RotatingFile {
  readonly #path: string;
  readonly #maxBytes: number;
  readonly #onError: (error: unknown) => void;
  #fd: number;
  #size: number;
  #failing = false;

  constructor(path: string, maxBytes: number, onError: (error: unknown) => void) {
    this.#path = path;
    this.#maxBytes = maxBytes;
    this.#onError = onError;
    mkdirSync(dirname(path), { recursive: true });
    this.#fd = openSync(path, "a");
    this.#size = fstatSync(this.#fd).size;
  }

  write(chunk: string): void {
    const bytes = Buffer.byteLength(chunk);
    try {
      if (this.#size > 0 && this.#size + bytes > this.#maxBytes) {
        closeSync(this.#fd);
        this.#fd = -1;
        renameSync(this.#path, `${this.#path}.1`);
        this.#fd = openSync(this.#path, "a");
        this.#size = 0;
      }
      if (this.#fd === -1) this.#fd = openSync(this.#path, "a");
      writeSync(this.#fd, chunk);
      this.#size += bytes;
      this.#failing = false;
    } catch (error) {
      if (!this.#failing) this.#onError(error);
      this.#failing = true;
    }
  }

  close(): void {
    if (this.#fd !== -1) closeSync(this.#fd);
    this.#fd = -1;
  }
}
