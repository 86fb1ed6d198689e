import { connect } from "node:net";
import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter, waitFor } from "./helpers/router.ts";
import { get, startUpstream } from "./helpers/servers.ts";

/**
 * The router's own HTTP/1.1 reading (the fast path) and its hand-off to Node's HTTP server, driven
 * with raw bytes on real sockets so that keep-alive, pipelining and malformed input are exact.
 */

/**
 * How long a raw client waits without receiving a byte before it calls the exchange stalled. Progress,
 * not a total budget: a loaded machine may answer a flood slowly, but it keeps answering.
 */
const QUIET_MS = 10_000;

interface RawClient {
  send(bytes: string): void;
  /** Resolves with everything received once `done(text)` holds; rejects when no byte arrives for {@link QUIET_MS}. */
  until(done: (text: string) => boolean): Promise<string>;
  closed: Promise<void>;
  end(): void;
}

async function rawClient(port: number): Promise<RawClient> {
  const socket = connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  let text = "";
  let wake = (_progress: boolean) => {};
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("latin1");
    wake(true);
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("close", () => wake(false));
  socket.on("error", () => {});
  return {
    send: (bytes) => void socket.write(bytes, "latin1"),
    until: (done) =>
      new Promise((resolve, reject) => {
        const stalled = () =>
          reject(new Error(`nothing received for ${QUIET_MS} ms; got ${text.length} bytes, ending ${JSON.stringify(text.slice(-300))}`));
        let timer = setTimeout(stalled, QUIET_MS);
        wake = (progress) => {
          if (done(text) || socket.destroyed) {
            clearTimeout(timer);
            resolve(text);
          } else if (progress) {
            clearTimeout(timer);
            timer = setTimeout(stalled, QUIET_MS);
          }
        };
        wake(false);
      }),
    closed,
    end: () => socket.destroy(),
  };
}

const count = (text: string, what: string) => text.split(what).length - 1;

async function setUp(t: import("ava").ExecutionContext, server: { keepAliveTimeoutMs?: number; headersTimeoutMs?: number } = {}) {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web-1", (req, res) => {
    if (req.url === "/slow") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("first part ");
      setTimeout(() => res.end("second part"), 300);
      return;
    }
    if (req.url?.startsWith("/4k/")) {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "4096" });
      res.end(req.url.padStart(4096, "."));
      return;
    }
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(`${req.method} ${req.url} ${body}`.length) });
      res.end(`${req.method} ${req.url} ${body}`);
    });
  });
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, {
    waitForVersion: 1,
    server,
    deps: { platformHandler: (_req, res) => res.writeHead(200, { "content-type": "text/plain", "content-length": "8" }).end("platform") },
  });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));
  return { r, web };
}

test("serves plain requests on its own, keeping the connection alive, with date and request id", async (t) => {
  const { r } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  c.send("GET /one HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  const first = await c.until((s) => s.includes("GET /one "));
  c.send("GET /two HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  const both = await c.until((s) => s.includes("GET /two "));
  t.regex(first, /^HTTP\/1\.1 200 OK\r\n/);
  t.regex(first, /\r\nx-request-id: [\w-]+\r\n/i);
  t.regex(first, /\r\ndate: \w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT\r\n/i);
  t.notRegex(first, /\r\nconnection: close/i);
  t.is(count(both, "HTTP/1.1 200 OK"), 2);
  t.is(r.server.handOffs, 0);
});

test("answers pipelined requests in order", async (t) => {
  const { r } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  const requests = ["/a", "/b", "/c"].map((p) => `GET ${p} HTTP/1.1\r\nHost: shop.test.local\r\n\r\n`).join("");
  c.send(requests);
  const text = await c.until((s) => s.includes("GET /c "));
  t.true(text.indexOf("GET /a ") < text.indexOf("GET /b ") && text.indexOf("GET /b ") < text.indexOf("GET /c "));
  t.is(count(text, "HTTP/1.1 200 OK"), 3);
  t.is(r.server.handOffs, 0);
});

test("reads a request head that arrives in pieces", async (t) => {
  const { r } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  for (const piece of ["GET /pie", "ces HTTP/1.1\r\nHo", "st: shop.test.local\r", "\n\r", "\n"]) {
    c.send(piece);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.regex(await c.until((s) => s.includes("GET /pieces ")), /^HTTP\/1\.1 200 OK/);
});

test("hands the connection to Node's server mid-way, for a body and for the platform's host", async (t) => {
  const { r } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  c.send("GET /fast HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  await c.until((s) => s.includes("GET /fast "));
  c.send("POST /form HTTP/1.1\r\nHost: shop.test.local\r\nContent-Length: 5\r\n\r\nhello");
  await c.until((s) => s.includes("POST /form hello"));
  t.is(r.server.handOffs, 1);
  c.send("GET /api HTTP/1.1\r\nHost: berth.test.local\r\n\r\nGET /after HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  const text = await c.until((s) => s.includes("GET /after "));
  t.true(text.includes("platform"));
  t.is(count(text, "HTTP/1.1 200 OK"), 4);
});

test("a platform request first goes straight to Node's server", async (t) => {
  const { r } = await setUp(t);
  const reply = await get(r.port, "berth.test.local", "/v2/");
  t.is(reply.body, "platform");
  t.is(r.server.handOffs, 1);
});

for (const [what, bytes, status, says] of [
  ["a header line without a colon", "GET / HTTP/1.1\r\nHost: shop.test.local\r\nno colon here\r\n\r\n", 400, /<h1>Bad request<\/h1>/],
  [
    "Content-Length beside Transfer-Encoding",
    "POST / HTTP/1.1\r\nHost: shop.test.local\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    400,
    /<h1>Bad request<\/h1>/,
  ],
  ["a bare LF inside a header", "GET / HTTP/1.1\r\nHost: shop.test.local\r\nX-A: 1\nX-B: 2\r\n\r\n", 400, /Lines must end with CRLF/],
  [
    "a head over 16 KiB",
    `GET / HTTP/1.1\r\nHost: shop.test.local\r\nX-Big: ${"a".repeat(17 * 1024)}\r\n\r\n`,
    431,
    /headers are over 16 KiB/,
  ],
  // These never hold the CRLFCRLF that ends a head: waiting for it would end in a 408 a minute later.
  ["a request ended by bare LFs", "GET / HTTP/1.1\nHost: shop.test.local\n\n", 400, /\(expected crlf after version\)/],
  ["a line of garbage", "hello there\r\n", 400, /\(invalid method encountered\)/],
  ["a TLS hello on the plain port", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 400, /this port speaks plain HTTP/],
] as const) {
  test(`leaves ${what} to Node's server, which refuses it at once with a page saying why`, async (t) => {
    const { r, web } = await setUp(t);
    const c = await rawClient(r.port);
    t.teardown(() => c.end());
    c.send(bytes);
    const text = await c.until((s) => s.endsWith("</html>\n"));
    t.regex(text, new RegExp(`^HTTP/1\\.1 ${status} `));
    t.regex(text, /\r\nconnection: close\r\n/);
    t.regex(text, says);
    t.is(r.server.handOffs, 1);
    t.is(web.seen.length, 0);
  });
}

test("answers an HTTP/1.1 request without Host with a 400 page that names the header", async (t) => {
  const { r, web } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  c.send("GET / HTTP/1.1\r\n\r\n");
  const text = await c.until((s) => s.endsWith("</html>\n"));
  t.regex(text, /^HTTP\/1\.1 400 /);
  t.regex(text, /<h1>Missing Host header<\/h1>/);
  t.is(web.seen.length, 0);
  await waitFor(() => r.logs.lines.some((l) => l.msg === "request" && l.fields.status === 400), "the 400 in the access log");
});

test("closes after the response when the client asks to", async (t) => {
  const { r } = await setUp(t);
  const c = await rawClient(r.port);
  c.send("GET /bye HTTP/1.1\r\nHost: shop.test.local\r\nConnection: close\r\n\r\n");
  await c.closed;
  const text = await c.until(() => true);
  t.regex(text, /\r\nconnection: close\r\n/i);
  t.true(text.endsWith("GET /bye "));
});

test("re-chunks a streamed response and logs 499 when the client leaves in the middle", async (t) => {
  const { r } = await setUp(t);
  const c = await rawClient(r.port);
  c.send("GET /slow HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  const text = await c.until((s) => s.includes("first part"));
  t.regex(text, /\r\ntransfer-encoding: chunked\r\n/i);
  t.true(text.includes("b\r\nfirst part \r\n"));
  c.end();
  await waitFor(() => r.logs.lines.some((l) => l.msg === "request" && l.fields.status === 499), "a 499 in the access log");
  const streamed = await rawClient(r.port);
  t.teardown(() => streamed.end());
  streamed.send("GET /slow HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  t.true((await streamed.until((s) => s.endsWith("0\r\n\r\n"))).includes("first part \r\nb\r\nsecond part\r\n0\r\n\r\n"));
});

test("closes idle connections after the keep-alive timeout and answers a stalled head with 408", async (t) => {
  const { r } = await setUp(t, { keepAliveTimeoutMs: 200, headersTimeoutMs: STALLED_HEAD_MS });
  const idle = await rawClient(r.port);
  idle.send("GET / HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  await idle.until((s) => s.includes("GET / "));
  await idle.closed;
  const slow = await rawClient(r.port);
  slow.send("GET / HTTP/1.1\r\nHost: shop.t");
  await slow.closed;
  const timedOut = await slow.until(() => true);
  t.regex(timedOut, /^HTTP\/1\.1 408 /);
  t.regex(timedOut, new RegExp(`did not arrive within ${STALLED_HEAD_MS} ms`));
});

test("closing the server ends idle connections and lets a busy one finish", async (t) => {
  const { r } = await setUp(t);
  const idle = await rawClient(r.port);
  idle.send("GET / HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  await idle.until((s) => s.includes("GET / "));
  const busy = await rawClient(r.port);
  busy.send("GET /slow HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  await busy.until((s) => s.includes("first part"));
  const closed = r.server.close();
  await idle.closed;
  const text = await busy.until((s) => s.endsWith("0\r\n\r\n"));
  t.true(text.includes("second part"));
  await busy.closed;
  await closed;
});

test("answers every request of a pipelined flood larger than a head, in order", async (t) => {
  const { r, web } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  const n = 1500;
  const filler = "f".repeat(600);
  let requests = "";
  for (let i = 0; i < n; i++) requests += `GET /p${i} HTTP/1.1\r\nHost: shop.test.local\r\nX-Filler: ${filler}\r\n\r\n`;
  c.send(requests);
  const text = await c.until((s) => s.includes(`GET /p${n - 1} `));
  const order = [...text.matchAll(/GET \/p(\d+) /g)].map((m) => Number(m[1]));
  t.deepEqual(
    order,
    Array.from({ length: n }, (_, i) => i),
  );
  t.is(r.server.handOffs, 0);
  t.is(web.seen.length, n);
});

/**
 * The head timeout runs from the connection's accept, and the router and this client share one event
 * loop: a timeout shorter than the longest stall of a loaded machine's loop can fire before the
 * partial head is read, and the router then rightly closes a connection that sent nothing. A second
 * keeps the race out of reach without making the test wait long.
 */
const STALLED_HEAD_MS = 1000;

test("after answering a stalled head with 408, reads no more of it", async (t) => {
  const { r, web } = await setUp(t, { headersTimeoutMs: STALLED_HEAD_MS });
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  c.send("GET /late HTTP/1.1\r\nHost: shop.t");
  await c.until((s) => s.includes("408"));
  c.send("est.local\r\n\r\n");
  await c.closed;
  t.regex(await c.until(() => true), /^HTTP\/1\.1 408 [\s\S]*<\/html>\n$/);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.is(web.seen.length, 0);
  t.false(r.logs.lines.some((l) => l.msg === "request" && l.fields.path === "/late"));
});

test("hands a flooded connection to Node's server at a request with a body, keeping the order", async (t) => {
  const { r } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  const get = (i: number) => `GET /p${i} HTTP/1.1\r\nHost: shop.test.local\r\nX-Filler: ${"f".repeat(600)}\r\n\r\n`;
  let requests = "";
  for (let i = 0; i < 400; i++) requests += get(i);
  requests += "POST /p400 HTTP/1.1\r\nHost: shop.test.local\r\nContent-Length: 4\r\n\r\nbody";
  for (let i = 401; i < 800; i++) requests += get(i);
  c.send(requests);
  // Every answer, whatever it is: waiting for the last one's body would turn an error page for it
  // into a silent wait, where the statuses say at once which request failed and how.
  const text = await c.until((s) => count(s, "HTTP/1.1 ") >= 800);
  t.deepEqual(statusesOtherThan200(text), []);
  const order = [...text.matchAll(/(?:GET|POST) \/p(\d+) /g)].map((m) => Number(m[1]));
  t.deepEqual(
    order,
    Array.from({ length: 800 }, (_, i) => i),
  );
  t.true(text.includes("POST /p400 body"));
  t.is(r.server.handOffs, 1);
});

/** Status lines that are not 200, with the page title that says why (for a failure message). */
function statusesOtherThan200(text: string): string[] {
  return text
    .split("HTTP/1.1 ")
    .slice(1)
    .filter((response) => !response.startsWith("200 "))
    .map((response) => `${response.slice(0, 3)} ${/<h1>([^<]*)/.exec(response)?.[1] ?? ""}`);
}

test("a body that arrives in pieces after the hand-off reaches the app, and the requests after it follow", async (t) => {
  const { r, web } = await setUp(t);
  const c = await rawClient(r.port);
  t.teardown(() => c.end());
  let requests = "";
  for (let i = 0; i < 100; i++) requests += `GET /p${i} HTTP/1.1\r\nHost: shop.test.local\r\nX-Filler: ${"f".repeat(600)}\r\n\r\n`;
  // The head ends the bytes the fast path reads: it hands off with no body byte read yet.
  c.send(`${requests}POST /p100 HTTP/1.1\r\nHost: shop.test.local\r\nContent-Length: 10\r\n\r\n`);
  await c.until((s) => s.includes("GET /p99 "));
  await waitFor(() => r.server.handOffs === 1, "the hand-off at the request with a body");
  c.send("first");
  // The app has the head and half the body; the rest, and a request after it, come later.
  await waitFor(() => web.seen.length === 101, "the request with a body at the app");
  c.send("-half");
  c.send("GET /p101 HTTP/1.1\r\nHost: shop.test.local\r\n\r\n");
  const text = await c.until((s) => count(s, "HTTP/1.1 ") >= 102);
  t.deepEqual(statusesOtherThan200(text), []);
  t.true(text.includes("POST /p100 first-half"));
  t.true(text.indexOf("POST /p100 ") < text.indexOf("GET /p101 "));
});

test("stops reading pipelined requests while the client does not read the responses", async (t) => {
  const { r, web } = await setUp(t);
  const socket = connect(r.port, "127.0.0.1");
  t.teardown(() => socket.destroy());
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.pause();
  const n = 4000;
  let requests = "";
  for (let i = 0; i < n; i++) requests += `GET /4k/${i} HTTP/1.1\r\nHost: shop.test.local\r\n\r\n`;
  socket.write(requests);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // What the kernel's socket buffers hold on loopback, and a little more; not all 16 MB of responses.
  const proxied = web.seen.length;
  t.true(proxied < n / 2, `${proxied} of ${n} requests proxied while the client read nothing`);
  let tail = "";
  let responses = 0;
  socket.on("data", (chunk: Buffer) => {
    const text = tail + chunk.toString("latin1");
    responses += text.split("HTTP/1.1 200 OK\r\n").length - 1;
    tail = text.slice(-16); // shorter than the marker: a split one is counted once
  });
  socket.resume();
  await waitFor(
    () => responses === n,
    `${n} responses`,
    () => responses,
  );
  t.is(web.seen.length, n);
});
