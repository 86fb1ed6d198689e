import type { IncomingMessage, ServerResponse } from "node:http";
import type Docker from "dockerode";

/** How long `/readyz` waits for the engine's answer. */
const PING_TIMEOUT_MS = 2000;

/**
 * The stand-alone builder's probes: `/healthz` (the process answers) and `/readyz` (its Docker engine
 * answers a ping within 2 s, so a push now could build). Returns false for every other path, which
 * is git's.
 */
export function healthProbes(docker: Pick<Docker, "ping">): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}\n');
      return true;
    }
    if (path !== "/readyz") return false;
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS).unref(),
    );
    Promise.race([docker.ping(), timeout]).then(
      () => res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok","docker":"ok"}\n'),
      (error: unknown) => {
        const body = { status: "unavailable", docker: `the Docker engine does not answer: ${(error as Error).message}` };
        res.writeHead(503, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
      },
    );
    return true;
  };
}
