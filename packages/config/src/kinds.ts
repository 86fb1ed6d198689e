import { isAbsolute, resolve } from "node:path";
import { dockerHostAllowed, parseDockerHost } from "./docker.ts";

/**
 * How one variable's text becomes a typed value. `parse` returns undefined for text it refuses;
 * `allowed` says what it accepts (it ends the error sentence); `show` prints a value in the table.
 * `expected`, when given, names what refused text is not (`… is not a profile name`); else `valid`.
 */
export interface Kind<T> {
  parse(raw: string): T | undefined;
  allowed: string;
  expected?: string;
  show(value: T): string;
}

const code = (text: string | number) => `\`${text}\``;

function wholeNumber(raw: string, min: number, max: number): number | undefined {
  if (!/^-?\d+$/.test(raw.trim())) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

/** A TCP port; 0 asks the system for any free one. */
export function port(): Kind<number> {
  return { parse: (raw) => wholeNumber(raw, 0, 65535), allowed: "a port number 1–65535, or 0 for any free port", show: code };
}

/** A whole number from `min` to `max`. */
export function integer(min: number, max: number): Kind<number> {
  return { parse: (raw) => wholeNumber(raw, min, max), allowed: `a whole number from ${min} to ${max}`, show: code };
}

/** A whole number of seconds from `min` to `max`, read as milliseconds. */
export function seconds(min: number, max: number): Kind<number> {
  return {
    parse: (raw) => {
      const s = wholeNumber(raw, min, max);
      return s === undefined ? undefined : s * 1000;
    },
    allowed: `a whole number of seconds from ${min} to ${max}`,
    show: (ms) => code(ms / 1000),
  };
}

const units: [number, string][] = [
  [1024 ** 3, "GiB"],
  [1024 ** 2, "MiB"],
  [1024, "KiB"],
];

/** A size in bytes, from `min` to `max`. */
export function bytes(min: number, max: number): Kind<number> {
  return {
    parse: (raw) => wholeNumber(raw, min, max),
    allowed: `a whole number of bytes from ${min} to ${max}`,
    show: (n) => {
      const unit = units.find(([size]) => n >= size && n % size === 0);
      return unit === undefined ? code(n) : `${n / unit[0]} ${unit[1]}`;
    },
  };
}

/** A number of megabytes above 0 (fractions allowed). */
export function megabytes(): Kind<number> {
  return {
    parse: (raw) => {
      const value = raw.trim() === "" ? Number.NaN : Number(raw);
      return Number.isFinite(value) && value > 0 ? value : undefined;
    },
    allowed: "a number of megabytes above 0, e.g. 100",
    show: code,
  };
}

/** One of a few words. */
export function oneOf<const T extends string>(values: readonly T[]): Kind<T> {
  return {
    parse: (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined),
    allowed: `one of ${values.join(", ")}`,
    show: code,
  };
}

/** Any text (an empty variable counts as unset). */
export function text(): Kind<string> {
  return { parse: (raw) => raw, allowed: "any text", show: code };
}

/** A file or directory; relative paths are taken from the working directory. */
export function path(): Kind<string> {
  return { parse: (raw) => resolve(raw), allowed: "a path", show: code };
}

/** An absolute file path. */
export function absolutePath(): Kind<string> {
  return { parse: (raw) => (isAbsolute(raw) ? raw : undefined), allowed: "an absolute path such as /var/lib/berth", show: code };
}

/** An http:// or https:// URL. */
export function httpUrl(): Kind<string> {
  return {
    parse: (raw) => (URL.canParse(raw) && /^https?:$/.test(new URL(raw).protocol) ? raw : undefined),
    allowed: "an http(s) URL such as http://127.0.0.1:8080",
    show: code,
  };
}

/**
 * A URL a person types, as `berth login` takes it: `http://` when no scheme is given, the trailing
 * slash dropped (`localhost:8080/` → `http://localhost:8080`); http and https only.
 */
export function typedUrl(): Kind<string> {
  return {
    parse: (raw) => {
      const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
      if (!URL.canParse(withScheme)) return undefined;
      const url = new URL(withScheme);
      return url.protocol === "http:" || url.protocol === "https:" ? `${url.origin}${url.pathname.replace(/\/+$/, "")}` : undefined;
    },
    allowed: "an http(s) URL such as http://berth.localhost:8080",
    expected: "an http(s) URL",
    show: code,
  };
}

/** `berth`'s profile: a name (`~/.berth/<name>.json`), or a path to the file itself when it ends in `.json`. */
export function profileName(): Kind<string> {
  return {
    parse: (raw) => (raw.endsWith(".json") || /^[\w.-]+$/.test(raw) ? raw : undefined),
    allowed: "letters, digits, dots, dashes, or a path ending in .json",
    expected: "a profile name",
    show: code,
  };
}

/** On for `1`, off for anything else: a switch a person sets for one run (`BERTH_DEBUG=1 berth …`). */
export function flag(): Kind<boolean> {
  return { parse: (raw) => raw === "1", allowed: "`1` (on); any other value is off", show: (on) => (on ? "`1`" : "off") };
}

/** A comma-separated list; blanks around items are dropped. */
export function list(): Kind<string[]> {
  return {
    parse: (raw) =>
      raw
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item !== ""),
    allowed: "a comma-separated list",
    show: (items) => (items.length === 0 ? "—" : code(items.join(","))),
  };
}

/** `key=value` pairs separated by commas (`disk=ssd,zone=a`). */
export function labels(): Kind<Record<string, string>> {
  return {
    parse: (raw) => {
      const out: Record<string, string> = {};
      for (const pair of list().parse(raw) ?? []) {
        const [key, value, ...rest] = pair.split("=");
        if (!key || value === undefined || rest.length > 0) return undefined;
        out[key] = value;
      }
      return out;
    },
    allowed: "key=value pairs separated by commas, e.g. disk=ssd,zone=a",
    show: (value) =>
      Object.keys(value).length === 0
        ? "—"
        : code(
            Object.entries(value)
              .map(([k, v]) => `${k}=${v}`)
              .join(","),
          ),
  };
}

/** A Docker engine address, as the Docker CLI reads `DOCKER_HOST` (see `dockerOptions`). */
export function dockerHost(): Kind<string> {
  return {
    parse: (raw) => (parseDockerHost(raw) === undefined ? undefined : raw),
    allowed: dockerHostAllowed,
    show: code,
  };
}

/** The router's access log: `off`, `errors`, `on`, or an absolute file path (every request, to that file). */
export type AccessLogTarget = "off" | "errors" | "on" | { file: string };

export function accessLog(): Kind<AccessLogTarget> {
  return {
    parse: (raw) => (raw === "off" || raw === "errors" || raw === "on" ? raw : isAbsolute(raw) ? { file: raw } : undefined),
    allowed: "off, errors, on, or an absolute file path such as /var/log/berth/access.log",
    show: (value) => code(typeof value === "string" ? value : value.file),
  };
}
