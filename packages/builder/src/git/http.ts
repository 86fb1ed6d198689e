import type { IncomingMessage, ServerResponse } from "node:http";
import type { ControllerClient, PushAuthResponse } from "@berth/api";
import type { Git } from "node-git-server";
import type { Logger } from "../logger.ts";
import { answer } from "./answer.ts";
import type { HookServer } from "./hook-server.ts";
import type { GitService } from "./pkt-line.ts";
import type { PendingPushes } from "./pushes.ts";
import { parseRepoPath } from "./repo-path.ts";
import type { RepoStore } from "./repos.ts";
import { watchRequest } from "./request-watch.ts";
import { serveRpc } from "./rpc.ts";
import { formatBytes } from "./units.ts";

export interface GitHttpDeps {
  controller: Pick<ControllerClient, "hooks">;
  /** Serves the ref advertisement (`info/refs`) and `HEAD`; pushes and fetches are served by {@link serveRpc}. */
  git: Git;
  repos: RepoStore;
  hooks: HookServer;
  pushes: PendingPushes;
  logger: Logger;
  /** Largest push (any git request body), in bytes; also git's receive.maxInputSize in every repository. */
  maxPushBytes: number;
  /** A request whose connection moves no byte for this long is ended; a push's ref list must arrive within it. */
  timeoutMs: number;
}

const realm = 'Basic realm="Berth", charset="UTF-8"';

function basicCredentials(req: IncomingMessage): { user: string; token: string } | undefined {
  const header = req.headers.authorization ?? "";
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? "", "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { user: decoded.slice(0, colon), token: decoded.slice(colon + 1) };
}

const refusals: Record<NonNullable<PushAuthResponse["code"]>, number> = { INVALID_CREDENTIALS: 401, APP_NOT_FOUND: 404, FORBIDDEN: 403 };

/**
 * The git smart-HTTP handler: checks the path and the pusher's rights (through the controller) for
 * every request and creates the app's repository on first use. Every request is watched: one that
 * stalls is ended and its git process killed.
 */
export function createGitHandler(deps: GitHttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const settle = (dup: { on(event: "error", listener: (error: Error) => void): unknown; accept(): void }) => {
    // node-git-server re-emits request and response errors on its objects: without a listener
    // a client that hangs up would crash the process.
    dup.on("error", (error) => deps.logger.debug("git transport error", { error: error.message }));
    dup.accept();
  };
  deps.git.on("info", settle);
  deps.git.on("head", settle);
  const limit = `${formatBytes(deps.maxPushBytes)} (BERTH_MAX_PUSH_BYTES)`;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://builder.invalid");
    // The raw path: URL would resolve `..` segments before we could refuse them.
    const path = parseRepoPath((req.url ?? "/").split("?")[0] ?? "/");
    if (!path.ok) return answer(res, path.status, path.message);
    const { app, endpoint } = path;
    const post = endpoint === "/git-upload-pack" || endpoint === "/git-receive-pack";
    if (req.method !== (post ? "POST" : "GET")) return answer(res, 405, `${req.method} is not allowed here`, { allow: post ? "POST" : "GET" });
    const service = url.searchParams.get("service");
    if (endpoint === "/info/refs" && service !== "git-upload-pack" && service !== "git-receive-pack") {
      return answer(res, 400, "only git's smart HTTP protocol is served — use git 1.6.6 or newer");
    }
    const watch = watchRequest(req, res, { idleMs: deps.timeoutMs, logger: deps.logger, fields: { app, endpoint } });
    const credentials = basicCredentials(req);
    if (credentials === undefined) {
      return answer(res, 401, "log in to push: use your Berth username and an API token as the password (berth login sets this up)", {
        "www-authenticate": realm,
      });
    }
    let verdict: PushAuthResponse;
    try {
      verdict = await deps.controller.hooks.pushAuth({ user: credentials.user, token: credentials.token, app });
    } catch (error) {
      if (watch.signal.aborted) return;
      deps.logger.error("push-auth failed", { app, error });
      return answer(res, 503, "the builder cannot reach the controller to check your access; try again in a moment");
    }
    if (watch.signal.aborted) return;
    if (!verdict.allowed) {
      const status = refusals[verdict.code ?? "FORBIDDEN"];
      return answer(res, status, verdict.reason ?? `no access to app "${app}"`, status === 401 ? { "www-authenticate": realm } : {});
    }
    const [gitDir] = await Promise.all([deps.repos.ensure(app, verdict.generation), deps.hooks.ready()]);
    if (watch.signal.aborted) return;
    if (post) {
      return serveRpc(req, res, {
        service: endpoint.slice(1) as GitService,
        gitDir,
        maxBytes: deps.maxPushBytes,
        limit,
        headTimeoutMs: deps.timeoutMs,
        watch,
        logger: deps.logger,
        onHead(head) {
          // The pre-receive hook finds its push by the pushed commit; it is cancelled when the pusher goes.
          for (const command of head.commands) {
            if (/^0+$/.test(command.next)) continue;
            res.once("close", deps.pushes.add(app, command.next, { user: credentials.user, signal: watch.signal }));
          }
        },
      });
    }
    // node-git-server finds the repository by the canonical name.
    req.url = `/${app}.git${endpoint}${url.search}`;
    deps.git.handle(req, res);
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.logger.error("git request failed", { error });
      answer(res, 500, "the builder failed to handle this request; try again");
    });
  };
}
