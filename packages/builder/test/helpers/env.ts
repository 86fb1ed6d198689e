/** A test service's address from the environment; missing means a clear failure, never a skip. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set — run the tests through scripts/with-services (pnpm test does), which starts the service`);
  }
  return value;
}
