import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server as HttpServer } from "node:http";
import { Server as NetServer, type Socket } from "node:net";
import type { Duplex } from "node:stream";
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
 * The router's public listener: a TCP server whose connections start on the router's fast path and
 * move to a Node HTTP server (never listening itself) for anything the fast path leaves to it.
 * Drop-in for an `http.Server`: listen, close, closeIdleConnections, closeAllConnections.
 */
export class RouterServer extends NetServer implements Inbound {
  readonly http: HttpServer;
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  closing = false;
  /** Connections given to Node's HTTP server so far (for tests and diagnosis). */
  handOffs = 0;
  readonly #router: ServedRouter;
  readonly #connections = new Set<ClientConnection>();

  constructor(router: ServedRouter, options: RouterServerOptions = {}) {
    super({ noDelay: true });
    this.#router = router;
    this.keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 65_000;
    this.headersTimeoutMs = options.headersTimeoutMs ?? 60_000;
    this.http = createHttpServer(
      { keepAliveTimeout: this.keepAliveTimeoutMs, headersTimeout: this.headersTimeoutMs, noDelay: true },
      router.handler,
    );
    this.http.on("upgrade", router.upgradeHandler);
    // Starts the HTTP server's own timeout checks for the connections it is given.
    this.http.emit("listening");
    this.on("connection", (socket: Socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      this.#connections.add(new ClientConnection(socket, this));
    });
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

  /** Stops accepting; idle connections close now, busy ones after their response. */
  override close(callback?: (error?: Error) => void): this {
    this.closing = true;
    for (const connection of [...this.#connections]) connection.close();
    this.http.close();
    return super.close(callback);
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

/** The router's listener; see {@link RouterServer}. */
export function createRouterServer(router: ServedRouter, options: RouterServerOptions = {}): RouterServer {
  return new RouterServer(router, options);
}
