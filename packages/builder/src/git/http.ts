import type { ChildProcess } from "node:child_process";
import type { IncomingMessage, ServerResponse } from "node:http";
import { Transform } from "node:stream";
import type { ControllerClient, PushAuthResponse } from "@berth/api";
import type { Git } from "node-git-server";
import type { Logger } from "../logger.ts";
import type { HookServer } from "./hook-server.ts";
import type { PendingPushes } from "./pushes.ts";
import { parseRepoPath } from "./repo-path.ts";
import type { RepoStore } from "./repos.ts";

export interface GitHttpDeps {
  controller: Pick<ControllerClient, "hooks">;
  git: Git;
  repos: RepoStore;
  hooks: HookServer;
  pushes: PendingPushes;
  logger: Logger;
  /** Largest push, in bytes (also git's receive.maxInputSize in every repository). */
  maxPushBytes: number;
}

/** Who a request is, once the controller has said yes. */
interface RequestContext {
  app: string;
  user: string;
  /** Tells the pusher that the push is over the size limit (set once the push is known). */
  tooLarge?: () => void;
}

const realm = 'Basic realm="Berth", charset="UTF-8"';

/** A plain-text answer: git shows the text of text/plain errors to the pusher. */
function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", ...headers });
  res.end(`${message}\n`);
}

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
 * every request, creates the app's repository on first use, then hands over to node-git-server.
 */
export function createGitHandler(deps: GitHttpDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const contexts = new WeakMap<IncomingMessage, RequestContext>();

  const settle = (dup: { on(event: "error", listener: (error: Error) => void): unknown; accept(): void }) => {
    // node-git-server re-emits request and response errors on its objects: without a listener
    // a client that hangs up would crash the process.
    dup.on("error", (error) => deps.logger.debug("git transport error", { error: error.message }));
    dup.accept();
  };
  deps.git.on("push", (push) => {
    const context = contexts.get(push.req);
    if (context !== undefined) {
      const aborter = new AbortController();
      const forget = deps.pushes.add(context.app, push.commit, { user: context.user, signal: aborter.signal });
      let receivePack: ChildProcess | undefined;
      push.on("service", (child: ChildProcess) => {
        receivePack = child;
        // Writing a cut-off push into a killed receive-pack fails with EPIPE: expected, not a crash.
        child.stdin?.on("error", () => {});
      });
      push.res.on("close", () => {
        if (!push.res.writableFinished) {
          aborter.abort(new Error("the pusher disconnected"));
          // Nobody reads its output any more; it would wait forever.
          receivePack?.kill();
        }
        forget();
      });
    }
    if (context !== undefined) {
      const limit = `${(deps.maxPushBytes / 1024 / 1024).toFixed(1)} MiB`;
      // git's receive.maxInputSize stops the pack; this line says why, and what to do.
      context.tooLarge = () =>
        push.log(`berth: this push is larger than the limit of ${limit} (BERTH_MAX_PUSH_BYTES); keep build output and large files out of git`);
    }
    settle(push);
  });
  deps.git.on("tag", settle);
  deps.git.on("fetch", settle);
  deps.git.on("info", settle);
  deps.git.on("head", settle);

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
      deps.logger.error("push-auth failed", { app, error });
      return answer(res, 503, "the builder cannot reach the controller to check your access; try again in a moment");
    }
    if (!verdict.allowed) {
      const status = refusals[verdict.code ?? "FORBIDDEN"];
      return answer(res, status, verdict.reason ?? `no access to app "${app}"`, status === 401 ? { "www-authenticate": realm } : {});
    }
    await Promise.all([deps.repos.ensure(app, verdict.generation), deps.hooks.ready()]);
    // node-git-server reads the request through this stream, so errors of a request that is cut off
    // never reach its emitters, and the repository name is the canonical one.
    const context: RequestContext = { app, user: credentials.user };
    let bytes = 0;
    const body = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > deps.maxPushBytes && bytes - chunk.length <= deps.maxPushBytes) context.tooLarge?.();
        done(null, chunk);
      },
    });
    req.pipe(body);
    req.on("error", () => body.destroy());
    const forwarded = Object.assign(body, { url: `/${app}.git${endpoint}${url.search}`, method: req.method, headers: req.headers });
    contexts.set(forwarded as unknown as IncomingMessage, context);
    deps.git.handle(forwarded as unknown as IncomingMessage, res);
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      deps.logger.error("git request failed", { error });
      answer(res, 500, "the builder failed to handle this request; try again");
    });
  };
}
