import { STATUS_CODES } from "node:http";
import { connect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Upstream } from "./host-map.ts";
import type { Page } from "./pages.ts";
import { rawPage } from "./respond.ts";
import { splitHostPort } from "./upstream/pool.ts";

/** Answers an upgrade request that will not be proxied, on the raw socket. */
export function refuseUpgrade(socket: Duplex, page: Page, requestId: string): void {
  socket.end(rawPage(page, requestId, true));
}

/**
 * Tunnels an upgrade (WebSocket) to `upstream`: the request head is rewritten with the forwarding
 * headers, then bytes flow both ways untouched — the upstream's 101 reaches the client as it is.
 */
export function tunnelUpgrade(
  client: Duplex,
  head: Buffer,
  upstream: Upstream,
  requestHead: string,
  connectTimeoutMs: number,
  onResult: (status: number, error?: string) => void,
): void {
  const { host, port } = splitHostPort(upstream.address);
  const server: Socket = connect({ host, port });
  let connected = false;
  const timer = setTimeout(() => server.destroy(Object.assign(new Error("connect timeout"), { code: "ETIMEDOUT" })), connectTimeoutMs);
  server.once("connect", () => {
    connected = true;
    clearTimeout(timer);
    server.write(requestHead, "latin1");
    if (head.length > 0) server.write(head);
    server.pipe(client);
    client.pipe(server);
    onResult(101);
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    clearTimeout(timer);
    if (connected) {
      client.destroy();
      return;
    }
    const code = error.code ?? error.message;
    const status = code === "ETIMEDOUT" ? 504 : 502;
    const body = `upstream ${code === "ETIMEDOUT" ? "did not accept the connection in time" : `unreachable (${code})`}\n`;
    client.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
    );
    onResult(status, code);
  });
  server.on("close", () => client.destroy());
  client.on("error", () => server.destroy());
  client.on("close", () => server.destroy());
}
