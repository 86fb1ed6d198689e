import { ConfigError, formatConfigError } from "./error.ts";

/**
 * For a service's `main.ts`: the settings `read` returns, or — when some cannot be used — every
 * problem on stderr and exit code 2 before anything starts.
 */
export function readConfigOrExit<T>(service: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(formatConfigError(service, error));
    process.exit(2);
  }
}
