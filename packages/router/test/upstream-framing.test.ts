import { createServer as createNetServer, type Socket } from "node:net";
import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter } from "./helpers/router.ts";
import { get, startUpstream } from "./helpers/servers.ts";

/** An upstream that answers every request with the exact bytes `respond` returns. */
async function rawUpstream(respond: (request: string) => string | Buffer, closeAfter = false) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      const end = pending.indexOf("\r\n\r\n");
      if (end === -1) return;
      const request = pending.slice(0, end);
      pending = "";
      if (closeAfter) socket.end(respond(request));
      else socket.write(respond(request));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    connections: () => connections,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function through(t: import("ava").ExecutionContext, upstream: { address: string; close(): Promise<void> }) {
  const stub = await new ControllerStub().start();
  stub.publish([route("shop", { upstreams: [upstream.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), upstream.close()]));
  return r;
}

test("decodes a chunked response and keeps the connection for the next request", async (t) => {
  const up = await rawUpstream(
    () => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n",
  );
  const r = await through(t, up);
  for (let i = 0; i < 3; i++) {
    const reply = await get(r.port, "shop.test.local");
    t.is(reply.status, 200);
    t.is(reply.body, "hello world");
  }
  t.is(up.connections(), 1);
});

test("passes a body delimited by the connection closing", async (t) => {
  const up = await rawUpstream(() => "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end", true);
  const r = await through(t, up);
  const reply = await get(r.port, "shop.test.local");
  t.is(reply.body, "until the end");
  t.is((await get(r.port, "shop.test.local")).body, "until the end");
});

test("answers HEAD, 204 and 304 without waiting for a body", async (t) => {
  const up = await rawUpstream((request) => {
    if (request.startsWith("HEAD")) return "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n";
    if (request.includes("/empty")) return "HTTP/1.1 204 No Content\r\n\r\n";
    return "HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n";
  });
  const r = await through(t, up);
  const head = await get(r.port, "shop.test.local", "/", {}, "HEAD");
  t.is(head.status, 200);
  t.is(head.headers["content-length"], "1000");
  t.is((await get(r.port, "shop.test.local", "/empty")).status, 204);
  t.is((await get(r.port, "shop.test.local", "/cached")).status, 304);
});

test("skips informational responses and keeps repeated headers", async (t) => {
  const up = await rawUpstream(
    () =>
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n" +
      "HTTP/1.1 201 Created\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok",
  );
  const r = await through(t, up);
  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 201);
  t.deepEqual(reply.headers["set-cookie"], ["a=1", "b=2"]);
  t.is(reply.body, "ok");
});

test("answers 502 to a response the router cannot parse", async (t) => {
  const up = await rawUpstream(() => "NOT HTTP AT ALL\r\n\r\n");
  const r = await through(t, up);
  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 502);
  t.regex(reply.body, /bad status line/);
});

test("streams a large response to a slow reader without losing bytes", async (t) => {
  const big = Buffer.alloc(8 * 1024 * 1024, "abcdefgh");
  const web = await startUpstream("big", (_req, res) => res.end(big));
  const r = await through(t, web);
  const { request } = await import("node:http");
  const received = await new Promise<number>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: r.port, headers: { host: "shop.test.local" }, agent: false }, (res) => {
      let n = 0;
      res.on("data", (chunk: Buffer) => {
        n += chunk.length;
        res.pause();
        setTimeout(() => res.resume(), 1);
      });
      res.on("end", () => resolve(n));
    });
    req.on("error", reject);
    req.end();
  });
  t.is(received, big.length);
});

test("sends a chunked request body upstream re-chunked", async (t) => {
  const web = await startUpstream("echo", (req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => res.end(`${req.headers["transfer-encoding"]}:${body}`));
  });
  const r = await through(t, web);
  const { request } = await import("node:http");
  const reply = await new Promise<string>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: r.port, method: "POST", headers: { host: "shop.test.local" }, agent: false }, (res) => {
      let b = "";
      res.on("data", (c: Buffer) => {
        b += c.toString();
      });
      res.on("end", () => resolve(b));
    });
    req.on("error", reject);
    req.write("part one, ");
    setTimeout(() => req.end("part two"), 20);
  });
  t.is(reply, "chunked:part one, part two");
});

for (const [what, bad] of [
  ["a control character", "X-Bad: a\u0001b"],
  ["a bare LF (response splitting)", "X-Bad: a\nSet-Cookie: evil=1"],
  ["a bare CR", "X-Bad: a\rb"],
  ["a space in a header name", "X Bad: ab"],
  ["a line without a colon", "X-Bad"],
] as const) {
  test(`answers 502 when the app sends a header with ${what}`, async (t) => {
    const up = await rawUpstream(() => `HTTP/1.1 200 OK\r\n${bad}\r\nContent-Length: 2\r\n\r\nok`);
    const r = await through(t, up);
    const reply = await get(r.port, "shop.test.local");
    t.is(reply.status, 502);
    t.regex(reply.body, /invalid character or line in the response head/);
    t.false("set-cookie" in reply.headers);
  });
}

test("resends a request on a fresh connection when a kept-alive one dies under it", async (t) => {
  // Every connection answers its first request and drops the second unanswered: what a reused
  // connection looks like when the app closed it just as the router sent on it.
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    let served = 0;
    socket.on("data", (chunk) => {
      if (!chunk.toString("latin1").includes("\r\n\r\n")) return;
      if (served++ === 0) socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      else socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  const r = await through(t, { address, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });

  for (let i = 0; i < 3; i++) t.is((await get(r.port, "shop.test.local")).status, 200);
  t.is(connections, 3);
});
