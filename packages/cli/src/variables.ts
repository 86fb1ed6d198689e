import { cliSettings, ConfigError, type Env, readSettings, type Values } from "@berth/config/cli";
import { CliError } from "./errors.ts";

type CliSettings = typeof cliSettings;

/**
 * One of berth's `BERTH_*` variables, as @berth/config declares it (`pnpm settings cli` lists them).
 * Each is read when a command needs it, so a bad `BERTH_URL` does not stop `berth help`; a value
 * that cannot be used is a CliError naming the variable, with what it may be as the hint.
 */
export function variable<K extends keyof CliSettings>(env: Env, key: K): Values<Pick<CliSettings, K>>[K] {
  const one = { [key]: cliSettings[key] } as Pick<CliSettings, K>;
  try {
    return readSettings(one, env)[key];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problem = error.problems[0];
    // One variable read, refused for its value: anything else is not the user's to fix here.
    if (error.problems.length !== 1 || problem?.value === undefined) throw error;
    throw new CliError(
      `${problem.variable}=${JSON.stringify(problem.value)} is not ${problem.expected ?? "valid"}`,
      `use ${problem.allowed}`,
      { cause: error },
    );
  }
}
