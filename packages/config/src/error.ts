/** One setting that cannot be used: which variable, the value it has, and what it may be. */
export interface ConfigProblem {
  variable: string;
  /** The value as given; undefined when the variable is missing. Secrets are never kept here. */
  value: string | undefined;
  /** What would be accepted, e.g. "a number 1–65535". */
  allowed: string;
  /** What a refused value is not, e.g. "a profile name"; the sentence says "not valid" without it. */
  expected?: string;
  /** Overrides the usual `VAR="value" is not …` sentence (a rule across several variables). */
  message?: string;
}

/** The sentence a problem prints as: `BERTH_PORT="abc" is not valid — use a port number 1–65535`. */
export function describeProblem(problem: ConfigProblem): string {
  if (problem.message !== undefined) return problem.message;
  if (problem.value === undefined) return `${problem.variable} is not set — set it to ${problem.allowed}`;
  return `${problem.variable}=${JSON.stringify(problem.value)} is not ${problem.expected ?? "valid"} — use ${problem.allowed}`;
}

/**
 * Settings that cannot be used, all of them at once: a start with two bad variables names both,
 * so the operator fixes them in one go.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code = "CONFIG_INVALID";
  readonly problems: readonly ConfigProblem[];
  readonly hint = "fix the variables above and start again (`pnpm settings` lists every setting with its default)";

  constructor(problems: readonly ConfigProblem[]) {
    const lines = problems.map(describeProblem);
    super(lines.length === 1 ? (lines[0] ?? "") : `${lines.length} settings cannot be used:\n${lines.map((l) => `  ${l}`).join("\n")}`);
    this.problems = problems;
  }
}

/**
 * Runs several readers and returns all their results, or throws one ConfigError with the problems
 * of every reader that failed (the platform reads the controller's, the builder's and the router's).
 */
export function readTogether<T extends Record<string, () => unknown>>(readers: T): { [K in keyof T]: ReturnType<T[K]> } {
  const out: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, read] of Object.entries(readers)) {
    try {
      out[key] = read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as { [K in keyof T]: ReturnType<T[K]> };
}

/** What a service's `main.ts` prints for a ConfigError before it exits non-zero. */
export function formatConfigError(service: string, error: ConfigError): string {
  const lines = error.problems.map(describeProblem);
  const head =
    lines.length === 1 ? `berth ${service}: a setting cannot be used` : `berth ${service}: ${lines.length} settings cannot be used`;
  return `${head}\n${lines.map((l) => `  ${l}`).join("\n")}\n  ${error.hint}\n`;
}
