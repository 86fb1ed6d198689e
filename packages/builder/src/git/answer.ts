import type { IncomingMessage, ServerResponse } from "node:http";
import { FLUSH, pktLine, type RequestHead } from "./pkt-line.ts";

/** How long a client that is still sending gets to read a refusal and close before it is cut off. */
const HANG_UP_GRACE_MS = 5000;

/**
 * A plain-text answer: git shows the text of text/plain errors to the user (on `info/refs`). The
 * connection closes after it, so an unread request body never holds it open.
 */
export function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", connection: "close", ...headers });
  res.end(`${message}\n`);
}

/**
 * Ends a connection whose client may still be sending, after what was written so far. The client
 * gets an end of stream; what it still sends is read and dropped, because closing a socket with
 * unread input resets the connection, and a reset can destroy the answer before the client read it.
 * The socket goes once the client closes, or after a grace period.
 */
export function hangUp(req: IncomingMessage): void {
  const socket = req.socket;
  req.unpipe();
  req.on("data", () => {});
  req.resume();
  const timer = setTimeout(() => socket.destroy(), HANG_UP_GRACE_MS);
  timer.unref();
  socket.once("close", () => clearTimeout(timer));
  socket.end();
}

/** `data` on side-band channel `n`, in packets of at most `size` bytes of data. */
function band(n: number, data: Buffer, size: number): Buffer[] {
  const packets: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) packets.push(pktLine(Buffer.concat([Buffer.from([n]), data.subarray(at, at + size)])));
  return packets;
}

/**
 * Refuses a push in git's own protocol, so that `git push` shows why: the lines as `remote:`
 * messages (with side-band), every ref as rejected with `reason`. The response is then left
 * unfinished and the connection ended: a complete response to a request whose pack is still
 * being sent would make git post the rest of the pack as a new request.
 */
export function refusePush(req: IncomingMessage, res: ServerResponse, head: RequestHead, reason: string, lines: string[]): void {
  const caps = new Set(head.capabilities);
  // side-band packets carry at most 1000 bytes, side-band-64k ones 65520 (pkt-line header and band byte included).
  const size = caps.has("side-band-64k") ? 65515 : caps.has("side-band") ? 995 : 0;
  const sideband = size > 0;
  const report = caps.has("report-status") || caps.has("report-status-v2");
  if (!res.headersSent) {
    if (!sideband && !report) {
      answer(res, 413, [...lines, reason].join("\n"));
      return;
    }
    res.writeHead(200, { "content-type": "application/x-git-receive-pack-result", "cache-control": "no-cache", connection: "close" });
  }
  const status = Buffer.concat([pktLine(`unpack ${reason}\n`), ...head.commands.map((c) => pktLine(`ng ${c.ref} ${reason}\n`)), FLUSH]);
  const out = sideband
    ? Buffer.concat([...lines.flatMap((line) => band(2, Buffer.from(`${line}\n`), size)), ...(report ? band(1, status, size) : []), FLUSH])
    : status;
  res.write(out, () => hangUp(req));
}
