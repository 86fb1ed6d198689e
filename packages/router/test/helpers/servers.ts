import { request as httpRequest, createServer, type IncomingHttpHeaders, type RequestListener, type Server } from "node:http";
import { type AddressInfo, connect, type Server as NetServer } from "node:net";

export interface Upstream {
  name: string;
  /** `127.0.0.1:<port>` as the route table carries it. */
  address: string;
  server: Server;
  /** Headers of every request it received. */
  seen: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A real app instance on 127.0.0.1 that answers `hello from <name>` (or runs `handler`). */
export async function startUpstream(name: string, handler?: RequestListener): Promise<Upstream> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (handler !== undefined) return handler(req, res);
    res.writeHead(200, { "content-type": "text/plain", "x-served-by": name });
    res.end(`hello from ${name}`);
  });
  await listen(server);
  return {
    name,
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    seen,
    close: () => closeServer(server),
  };
}

export async function listen(server: NetServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: NetServer & { closeAllConnections(): void }): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let nextDeadPort = 1;
/**
 * An address that refuses connections: a port below 6 on loopback, where nothing listens. (A freed
 * ephemeral port is not safe: a test running beside can be given it and answer.)
 */
export async function deadAddress(): Promise<string> {
  const port = nextDeadPort;
  nextDeadPort = nextDeadPort === 5 ? 1 : nextDeadPort + 1;
  const refused = await new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
  if (!refused) throw new Error(`something listens on 127.0.0.1:${port}; the tests need it to refuse connections`);
  return `127.0.0.1:${port}`;
}

/** A port on 127.0.0.1 that was free a moment ago, for a process that listens on a port it is told. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A plain HTTP/1.1 request with any Host header (fetch refuses to set Host). */
export function get(port: number, host: string, path = "/", headers: Record<string, string> = {}, method = "GET"): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method, headers: { host, ...headers }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
