/**
 * Polls until `check` gives a value; fails with `what` after `timeoutMs`. For state an engine or a
 * cluster reaches on its own. `explain`, when given, adds what was there at the timeout to the error.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 10_000,
  explain?: () => Promise<string>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const found =
        explain === undefined ? "" : `\n${await explain().catch((error: unknown) => `(could not say what was there: ${String(error)})`)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${found}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
