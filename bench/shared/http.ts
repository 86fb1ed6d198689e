import { request } from "node:http";
import { createServer } from "node:net";

/** A port nobody listens on right now (loopback). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** GET / on 127.0.0.1:port with a Host header; the body of a 200, or undefined (error, other status). */
function getBody(port: number, host: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/", headers: { host }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve(res.statusCode === 200 ? body : undefined));
      res.on("error", () => resolve(undefined));
    });
    req.setTimeout(5_000, () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

/**
 * Polls GET / every `intervalMs` until the body contains `expected`; resolves at the first such
 * answer. Bounded: throws after `timeoutMs` with the last body seen, or once `signal` aborts.
 */
export async function waitForBody(
  port: number,
  host: string,
  expected: string,
  signal?: AbortSignal,
  timeoutMs = 180_000,
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    signal?.throwIfAborted();
    last = await getBody(port, host);
    if (last?.includes(expected)) return;
    if (Date.now() > deadline) {
      throw new Error(`${host} on port ${port} did not answer "${expected}" within ${timeoutMs / 1000} s (last answer: ${last ?? "none"})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
