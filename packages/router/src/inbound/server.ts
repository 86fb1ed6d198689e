import {
  createServer as createHttpServer,
  type IncomingMessage,
  type RequestListener,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Server as TlsServer } from "node:tls";
import { type Page, pages } from "../pages.ts";
import { clientErrorResponse } from "../respond.ts";
import { ClientConnection, type Inbound } from "./client-connection.ts";
import type { SimpleRequest } from "./request-head.ts";

/** What the server needs of the router (see `createRouter`). */
export interface ServedRouter {
  handler: RequestListener;
  upgradeHandler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  dispatch(connection: ClientConnection, request: SimpleRequest): boolean;
}

export interface RouterServerOptions {
  /** How long an idle keep-alive connection stays open. Default 65 s (above common load balancers' 60 s). */
  keepAliveTimeoutMs?: number;
  /** How long a client may take to send a request head. Default 60 s, as Node's. */
  headersTimeoutMs?: number;
}

/**
 * The router's public side: it owns its listeners (a plain TCP one from {@link listen}; a TLS one can
 * be added beside it with {@link serve}) and serves every connection they accept the same way — on the
 * router's fast path first, moving to a Node HTTP server (never listening itself) for anything the
 * fast path leaves to it.
 */
export class RouterServer implements Inbound {
  readonly http: HttpServer;
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  closing = false;
  /** Connections given to Node's HTTP server so far (for tests and diagnosis). */
  handOffs = 0;
  readonly #router: ServedRouter;
  readonly #connections = new Set<ClientConnection>();
  readonly #listeners: NetServer[] = [];
  readonly #accept = (socket: Socket) => {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.#connections.add(new ClientConnection(socket, this));
  };

  constructor(router: ServedRouter, options: RouterServerOptions = {}) {
    this.#router = router;
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 65_000;
    this.headersTimeoutMs = options.headersTimeoutMs ?? 60_000;
    this.http = createHttpServer(
      // The router answers a missing Host itself, with a page that says so (Node's 400 is empty).
      { keepAliveTimeout: this.keepAliveTimeoutMs, headersTimeout: this.headersTimeoutMs, noDelay: true, requireHostHeader: false },
      (req, res) => {
        // Closing: the answer says so, and the connection ends after it (as on the fast path).
        if (this.closing) res.setHeader("connection", "close");
        router.handler(req, res);
      },
    );
    this.http.on("upgrade", router.upgradeHandler);
    const responding = new WeakMap<Duplex, ServerResponse>();
    this.http.on("request", (req: IncomingMessage, res: ServerResponse) => responding.set(req.socket, res));
    // Node's own answers to unreadable requests have no body; these say what was wrong. As Node does,
    // nothing is written into a response whose head is already out: the connection is only cut.
    this.http.on("clientError", (error: NodeJS.ErrnoException & { reason?: unknown }, socket: Duplex) => {
      const res = responding.get(socket);
      if (socket.writable && (res === undefined || !res.headersSent || res.writableEnded)) {
        socket.write(clientErrorResponse(clientErrorPage(error, this.headersTimeoutMs)), "latin1");
      }
      socket.destroy();
    });
    // Starts the HTTP server's own timeout checks for the connections it is given.
    this.http.emit("listening");
  }

  /**
   * Opens a listener on `port` (0: any free one) and `host`: plain HTTP, or HTTPS through `tls` (a
   * TLS server that is not listening yet); resolves with where it listens.
   */
  listen(port: number, host?: string, tls?: TlsServer): Promise<AddressInfo> {
    const listener = tls ?? createNetServer({ noDelay: true });
    this.serve(listener, tls === undefined ? "connection" : "secureConnection");
    return new Promise((resolve, reject) => {
      const failed = (error: Error) => {
        this.#listeners.splice(this.#listeners.indexOf(listener), 1);
        reject(error);
      };
      listener.once("error", failed);
      listener.listen(port, host, () => {
        listener.off("error", failed);
        resolve(listener.address() as AddressInfo);
      });
    });
  }

  /**
   * Serves the connections `listener` emits as `event`: `connection` for a plain TCP server,
   * `secureConnection` for a TLS one. The server closes it with the others.
   */
  serve(listener: NetServer, event: "connection" | "secureConnection"): void {
    this.#listeners.push(listener);
    listener.on(event, this.#accept);
  }

  /** Where the first listener listens; undefined before any listens. */
  address(): AddressInfo | undefined {
    const address = this.#listeners[0]?.address();
    return address === null || typeof address === "string" ? undefined : address;
  }

  dispatch(connection: ClientConnection, request: SimpleRequest): boolean {
    return this.#router.dispatch(connection, request);
  }

  handOff(connection: ClientConnection, unread: Buffer | undefined): void {
    this.handOffs++;
    const socket = connection.socket;
    if (unread !== undefined && unread.length > 0) socket.unshift(unread);
    if (socket.isPaused()) socket.resume();
    this.http.emit("connection", socket);
  }

  forget(connection: ClientConnection): void {
    this.#connections.delete(connection);
  }

  /**
   * Stops accepting on every listener; busy connections close after their response (which says
   * `Connection: close`), idle ones after `idleGraceMs` (default 0: now). In that grace a client that
   * sends one more request on a kept-alive connection gets its answer, with `Connection: close`,
   * instead of a connection closed under it as it writes. Resolves once every listener is closed and
   * its last connection gone.
   */
  async close(options: { idleGraceMs?: number } = {}): Promise<void> {
    this.closing = true;
    const grace = options.idleGraceMs ?? 0;
    const closeRest = () => {
      for (const connection of [...this.#connections]) connection.close();
      this.http.close();
    };
    for (const connection of [...this.#connections]) if (grace === 0 || !connection.idle) connection.close();
    if (grace === 0) closeRest();
    else setTimeout(closeRest, grace).unref();
    await Promise.all(
      this.#listeners
        .splice(0)
        .map(
          (listener) =>
            new Promise<void>((resolve, reject) => listener.close((error) => (error === undefined ? resolve() : reject(error)))),
        ),
    );
  }

  closeIdleConnections(): void {
    for (const connection of [...this.#connections]) if (connection.idle) connection.close();
    this.http.closeIdleConnections();
  }

  closeAllConnections(): void {
    for (const connection of [...this.#connections]) connection.socket.destroy();
    this.http.closeAllConnections();
  }
}

function clientErrorPage(error: NodeJS.ErrnoException & { reason?: unknown }, headersTimeoutMs: number): Page {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return pages.headTooLarge();
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return pages.chunkExtensionsTooLarge();
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return pages.requestTimeout(headersTimeoutMs);
    default:
      return pages.malformedRequest(typeof error.reason === "string" ? error.reason.toLowerCase() : undefined);
  }
}

/** The router's listener; see {@link RouterServer}. */
export function createRouterServer(router: ServedRouter, options: RouterServerOptions = {}): RouterServer {
  return new RouterServer(router, options);
}
