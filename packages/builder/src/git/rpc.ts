import type { IncomingMessage, ServerResponse } from "node:http";
import { type Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import type { Logger } from "../logger.ts";
import { answer, hangUp, refusePush } from "./answer.ts";
import { spawnService } from "./git.ts";
import { type GitService, HeadReader, type RequestHead } from "./pkt-line.ts";
import type { RequestWatch } from "./request-watch.ts";
import { formatSeconds } from "./units.ts";

export interface RpcOptions {
  service: GitService;
  gitDir: string;
  /** Largest request body, in bytes as git reads them (after gzip). */
  maxBytes: number;
  /** `maxBytes` as users read it, with the setting's name. */
  limit: string;
  /** The head (ref updates or wants) must have arrived within this long. */
  headTimeoutMs: number;
  watch: RequestWatch;
  logger: Logger;
  /** Called once the head is read and accepted, before git starts. */
  onHead(head: RequestHead): void;
}

type HeadRead = { state: "complete"; head: RequestHead; data: Buffer } | { state: "invalid"; reason: string } | { state: "aborted" };

/** Reads `body` up to the end of its head; leaves it paused, with what was read in `data`. */
function readHead(body: Readable, service: GitService, signal: AbortSignal): Promise<HeadRead> {
  const reader = new HeadReader(service);
  return new Promise((resolve) => {
    const done = (result: HeadRead) => {
      body.pause();
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      const parsed = reader.push(chunk);
      if (parsed.state === "complete") done({ state: "complete", head: parsed.head, data: reader.data });
      else if (parsed.state === "invalid") done(parsed);
    };
    const onEnd = () => done({ state: "invalid", reason: "the body ended before its first section did" });
    const onError = () => done({ state: signal.aborted ? "aborted" : "invalid", reason: "the body could not be read (is it valid gzip?)" });
    const onAbort = () => done({ state: "aborted" });
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort);
    body.on("data", onData);
    body.on("end", onEnd);
    body.on("error", onError);
  });
}

/**
 * Serves `POST /<app>.git/git-receive-pack` or `git-upload-pack`: reads and checks the request's
 * head, then runs git's service on the body, counting it against the limit. A body that is not git
 * protocol gets a 400; a push over the limit is refused in git's protocol, early (by Content-Length)
 * where the client declares its size; git is killed whenever the request ends before its answer.
 */
export async function serveRpc(req: IncomingMessage, res: ServerResponse, options: RpcOptions): Promise<void> {
  const { service, watch } = options;
  const encoding = (req.headers["content-encoding"] ?? "identity").toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip" && encoding !== "x-gzip") {
    return answer(res, 415, `a git request body cannot be ${encoding}-encoded; send it plain or gzip-compressed`);
  }
  // git compresses fetch requests; pushes come plain (their packs are compressed already).
  const body: Readable = encoding === "identity" ? req : req.pipe(createGunzip());
  body.on("error", () => {});
  const read = await readHead(body, service, AbortSignal.any([watch.signal, AbortSignal.timeout(options.headTimeoutMs)]));
  // A body cut off by the client's hang-up reads as an error or a short body: the watch has it.
  if (req.socket.destroyed) return;
  if (read.state === "aborted") {
    if (!watch.signal.aborted) {
      watch.fail(
        408,
        `the request's first section did not arrive within ${formatSeconds(options.headTimeoutMs)} (BERTH_GIT_TIMEOUT)`,
        "head timeout",
      );
    }
    return;
  }
  if (read.state === "invalid") return watch.fail(400, `this is not a git ${service.slice(4)} request: ${read.reason}`, "not git protocol");
  const { head, data } = read;

  let child: ReturnType<typeof spawnService> | undefined;
  const refuse = () => {
    body.unpipe();
    // Nothing git still had to say may follow the refusal.
    child?.stdout.unpipe(res);
    watch.stop("too large");
    if (service === "git-upload-pack") return answer(res, 413, `this request is larger than the limit of ${options.limit}`);
    refusePush(req, res, head, `push larger than ${options.limit}`, [
      `berth: this push is larger than the limit of ${options.limit}`,
      "berth: keep build output and large files out of git (list them in .gitignore), or ask your Berth operator to raise the limit",
    ]);
  };
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if ((encoding === "identity" && declared > options.maxBytes) || data.length > options.maxBytes) return refuse();

  options.onHead(head);
  child = spawnService(service === "git-receive-pack" ? "receive-pack" : "upload-pack", options.gitDir);
  watch.adopt(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  child.on("error", (error) => {
    options.logger.error("cannot run git", { service, error: error.message });
    watch.fail(500, "the builder cannot run git; ask your Berth operator to install it", "git did not start");
  });
  // git stops reading early when it refuses a pack: writing more is expected to fail.
  child.stdin.on("error", () => {});
  res.setHeader("content-type", `application/x-${service}-result`);
  res.setHeader("cache-control", "no-cache, max-age=0, must-revalidate");
  res.setHeader("connection", "close");
  child.stdout.pipe(res, { end: false });

  let count = data.length;
  let received = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      count += chunk.length;
      if (count > options.maxBytes) {
        refuse();
        done();
      } else done(null, chunk);
    },
    flush(done) {
      received = true;
      done();
    },
  });
  child.on("close", (code) => {
    if (watch.signal.aborted) return;
    if (code !== 0) options.logger.info("git service failed", { service, code, stderr: stderr.trim() });
    // git answered before reading the whole body: end the connection rather than wait for the rest.
    if (received) res.end();
    else hangUp(req);
  });
  child.stdin.write(data);
  body.pipe(counter).pipe(child.stdin);
}
