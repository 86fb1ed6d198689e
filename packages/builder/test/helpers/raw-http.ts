import { readdir, readFile } from "node:fs/promises";
import { connect } from "node:net";

export interface RawReply {
  /** Everything the server sent. */
  text: string;
  /** ms from connecting until the server ended the connection. */
  elapsed: number;
}

export interface RawRequest {
  /** Resolves when the server ends the connection; rejects if it has not within `timeoutMs`. */
  reply: Promise<RawReply>;
  /** Sends more of the body. */
  write(data: string | Buffer): void;
  /** Closes the connection from the client's side. */
  destroy(): void;
}

/**
 * An HTTP/1.1 request written by hand on a socket, so that a test can send a body that is not what
 * it claims, stop half-way, or hang up. The reply is whatever arrives until the server closes.
 */
export function rawRequest(hostPort: string, head: string, body: string | Buffer = "", timeoutMs = 20_000): RawRequest {
  const [host, port] = hostPort.split(":");
  const started = Date.now();
  const socket = connect({ host, port: Number(port) });
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.write(head);
  if (body.length > 0) socket.write(body);
  const reply = new Promise<RawReply>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of the answer within ${timeoutMs} ms; got: ${Buffer.concat(chunks).toString("latin1").slice(0, 300)}`));
    }, timeoutMs);
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ text: Buffer.concat(chunks).toString("latin1"), elapsed: Date.now() - started });
    });
    // The server's end of stream: a client that keeps its side open would otherwise hold the socket.
    socket.on("end", () => socket.end());
  });
  return { reply, write: (data) => socket.write(data), destroy: () => socket.destroy() };
}

/** The head of a POST to a git endpoint with basic credentials. */
export function postHead(path: string, user: string, token: string, headers: Record<string, string | number>): string {
  const auth = Buffer.from(`${user}:${token}`).toString("base64");
  const lines = Object.entries({ host: "builder.test", authorization: `Basic ${auth}`, ...headers }).map(([k, v]) => `${k}: ${v}`);
  return `POST ${path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`;
}

/** Process ids of the running processes whose command line mentions `text` (a repository's path). */
export async function processesMentioning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(text)) found.push(Number(entry));
  }
  return found;
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns its last answer. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
