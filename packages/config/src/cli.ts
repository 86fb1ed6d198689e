/**
 * What the `berth` command needs, and nothing more: its declarations and the reader. The full
 * entry point loads every service's declarations (and `node:crypto` for the random keys), which
 * would cost each `berth --version` about 15 ms.
 */
export { type ConfigProblem, ConfigError } from "./error.ts";
export { type Env, readSettings, type Values } from "./setting.ts";
export { cliSettings } from "./settings/cli.ts";
