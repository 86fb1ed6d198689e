import { type ConfigProblem, ConfigError } from "./error.ts";
import type { Kind } from "./kinds.ts";

/** The environment a service reads: `process.env`, or a plain object in tests. */
export type Env = Record<string, string | undefined>;

/** One `BERTH_*` variable: its name, what it may be, its default, and what it means. */
export interface Setting<T> {
  env: string;
  kind: Kind<T>;
  /** The value when the variable is unset or empty; `required` when there is none. */
  fallback: ((env: Env) => T) | "required";
  /** The default as the settings table prints it. */
  shown: string;
  /** One line for the settings table. */
  meaning: string;
}

interface Declaration<T> {
  env: string;
  kind: Kind<T>;
  meaning: string;
  /** The default as the table prints it, when `kind.show` of the value would not say it well. */
  shown?: string;
}

/** A setting with a default: a value, or a function of the environment (the data dir from HOME). */
export function setting<T>(declaration: Declaration<T> & { default: NoInfer<T> | ((env: Env) => NoInfer<T>) }): Setting<T> {
  const value = declaration.default;
  const fallback = typeof value === "function" ? (value as (env: Env) => T) : () => value;
  const shown = declaration.shown ?? (typeof value === "function" ? undefined : declaration.kind.show(value));
  if (shown === undefined) throw new TypeError(`${declaration.env}: a computed default needs \`shown\``);
  return { env: declaration.env, kind: declaration.kind, fallback, shown, meaning: declaration.meaning };
}

/** A setting that is undefined when unset. */
export function optional<T>(declaration: Declaration<T>): Setting<T | undefined> {
  return {
    env: declaration.env,
    kind: declaration.kind,
    fallback: () => undefined,
    shown: declaration.shown ?? "—",
    meaning: declaration.meaning,
  };
}

/** A setting the service cannot start without. */
export function required<T>(declaration: Declaration<T>): Setting<T> {
  return { env: declaration.env, kind: declaration.kind, fallback: "required", shown: "— (required)", meaning: declaration.meaning };
}

// biome-ignore lint/suspicious/noExplicitAny: a record of settings of any value type
export type Settings = Record<string, Setting<any>>;
export type Values<S extends Settings> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** A rule across several values: returns the problems, if any (`a`, `b` and `c` go together). */
export type Check<S extends Settings> = (values: Values<S>) => ConfigProblem[];

/**
 * Reads every setting of `settings` from `env`. Returns the typed values, or throws one ConfigError
 * that lists every variable that cannot be used (and what `checks` found), not only the first.
 */
export function readSettings<S extends Settings>(settings: S, env: Env, checks: Check<S>[] = []): Values<S> {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, s] of Object.entries(settings)) {
    const raw = env[s.env];
    if (raw === undefined || raw === "") {
      if (s.fallback === "required") problems.push({ variable: s.env, value: undefined, allowed: `${s.kind.allowed} (${s.meaning})` });
      else values[key] = s.fallback(env);
      continue;
    }
    const value = s.kind.parse(raw);
    if (value === undefined) {
      const { allowed, expected } = s.kind;
      problems.push({ variable: s.env, value: raw, allowed, ...(expected === undefined ? {} : { expected }) });
    } else values[key] = value;
  }
  if (problems.length === 0) for (const check of checks) problems.push(...check(values as Values<S>));
  if (problems.length > 0) throw new ConfigError(problems);
  return values as Values<S>;
}
