import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { apiGroupList, apiVersions, coreResourceList, versionInfo } from "./discovery.ts";
import { type HandlerDeps, handleResource } from "./handlers.ts";
import { sendError, sendJson } from "./http-io.ts";
import { parseTarget } from "./route.ts";
import { KubeError } from "./status.ts";

/** The HTTP face of the simulator: discovery plus core/v1 under /api/v1. Any bearer token is accepted. */
export function createApiServer(deps: HandlerDeps): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://sim");
    const address = server.address() as AddressInfo | null;
    const route = async (): Promise<void> => {
      if (req.method === "GET" && url.pathname === "/version") return sendJson(res, 200, versionInfo());
      if (req.method === "GET" && url.pathname === "/api") return sendJson(res, 200, apiVersions(`127.0.0.1:${address?.port ?? 0}`));
      if (req.method === "GET" && url.pathname === "/apis") return sendJson(res, 200, apiGroupList());
      if (req.method === "GET" && url.pathname === "/api/v1") return sendJson(res, 200, coreResourceList());
      if (!url.pathname.startsWith("/api/v1/"))
        throw new KubeError(404, "NotFound", `the server could not find the requested resource (${url.pathname})`);
      if (req.method !== "GET" && url.searchParams.has("dryRun")) {
        // Applying a dry run for real would be worse than refusing it.
        throw new KubeError(400, "BadRequest", "kube-sim does not implement dryRun: send the request without it");
      }
      return handleResource(req, res, parseTarget(url.pathname), url.searchParams, deps);
    };
    route().catch((error: unknown) => sendError(res, error));
  });
  return server;
}
