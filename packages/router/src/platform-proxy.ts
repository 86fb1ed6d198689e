import { type IncomingMessage, type OutgoingHttpHeaders, type RequestListener, request, type ServerResponse } from "node:http";
import { ErrorCode, type ErrorEnvelope, isGitPath } from "@berth/api";
import { normalizeAddress } from "./cidr.ts";

/** Where a stand-alone router sends `berth.<domain>`: the controller's API, and git to the builder. */
export interface PlatformUpstreams {
  controllerUrl: string;
  /** Without it, git requests get a 404 that says the builder is not configured. */
  builderUrl: string | undefined;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1), not passed on. */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

function apiError(res: ServerResponse, status: number, code: ErrorCode, message: string, hint: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body: ErrorEnvelope = { error: { code, message, hint } };
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

/**
 * The stand-alone router's handler for `berth.<domain>`, as the platform serves it in one process:
 * git paths go to the builder, everything else to the controller. Requests and responses stream both
 * ways (a push's pack, a long-poll, `logs -f`), with X-Forwarded-For/-Proto/-Host added. An upstream
 * that cannot be reached is a 502 in the API's error shape, naming which one.
 */
export function platformProxy(upstreams: PlatformUpstreams): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const git = isGitPath(req.url ?? "/");
    const base = git ? upstreams.builderUrl : upstreams.controllerUrl;
    if (base === undefined) {
      apiError(
        res,
        404,
        ErrorCode.NotFound,
        "git is not served by this router",
        "set BERTH_BUILDER_URL on the router to the builder's URL",
      );
      return;
    }
    const target = new URL(req.url ?? "/", base);
    const headers: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!HOP_BY_HOP.has(name) && name !== "host") headers[name] = value;
    }
    const peer = normalizeAddress(req.socket.remoteAddress ?? "");
    const forwarded = req.headers["x-forwarded-for"];
    headers["x-forwarded-for"] = forwarded === undefined ? peer : `${forwarded}, ${peer}`;
    headers["x-forwarded-proto"] = "encrypted" in req.socket ? "https" : "http";
    headers["x-forwarded-host"] = req.headers.host ?? "";
    headers.host = target.host;
    const which = git ? "builder" : "controller";
    // A kept-alive connection the upstream closed just as this request went out (a controller that
    // is stopping) fails without an answer: a bodiless GET or HEAD is sent again, once, on another.
    const bodiless =
      (req.method === "GET" || req.method === "HEAD") &&
      req.headers["content-length"] === undefined &&
      req.headers["transfer-encoding"] === undefined;
    const send = (retry: boolean) => {
      const outbound = request(target, { method: req.method ?? "GET", headers }, (answer) => {
        const reply: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) reply[name] = value;
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, reply);
        answer.pipe(res);
        answer.once("error", () => res.destroy());
      });
      outbound.once("error", (error) => {
        if (retry && outbound.reusedSocket && !res.headersSent && !res.destroyed) return send(false);
        apiError(
          res,
          502,
          ErrorCode.Unavailable,
          `the ${which} at ${base} did not answer: ${error.message}`,
          `check that the ${which} is running`,
        );
      });
      // A client that goes away ends the upstream request too (a `logs -f`, an abandoned push).
      res.once("close", () => {
        if (!res.writableFinished) outbound.destroy();
      });
      if (bodiless) outbound.end();
      else req.pipe(outbound);
    };
    send(bodiless);
  };
}
