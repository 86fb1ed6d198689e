import { request as httpRequest, createServer, type IncomingHttpHeaders, type RequestListener, type Server } from "node:http";
import type { AddressInfo, Server as NetServer } from "node:net";

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

/** A port that refuses connections (bound, then closed). */
export async function deadAddress(): Promise<string> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return `127.0.0.1:${port}`;
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
