import test from "ava";
import { createServer } from "node:http";
import { deliver, EXCERPT_BYTES } from "../../src/alerts/deliver.ts";
import { closedPort, listen, receiver } from "./local-server.ts";

const body = JSON.stringify({ type: "alert.test" });
const request = { headers: { "content-type": "application/json", "webhook-id": "msg_1" }, body };

function local(url: string) {
  return { url: new URL(url), address: "127.0.0.1", family: 4 as const };
}

test("a 2xx answer is ok, and the excerpt keeps only the first KiB of the body", async (t) => {
  const { port, received } = await receiver(t, (_request, response) => response.end("a".repeat(5000)));
  const result = await deliver(local(`http://127.0.0.1:${port}/hook`), request);
  t.like(result, { ok: true, status: 200, error: null, gone: false, retryAfterMs: null });
  t.is(result.responseExcerpt, "a".repeat(EXCERPT_BYTES));
  t.true(result.durationMs >= 0);
  t.is(received.length, 1);
  t.like(received[0], { method: "POST", url: "/hook", body });
  t.is(received[0]?.headers["webhook-id"], "msg_1");
  t.is(received[0]?.headers["content-length"], String(body.length));
});

test("a 500 answer is not ok and keeps its status and body", async (t) => {
  const { port } = await receiver(t, (_request, response) => {
    response.statusCode = 500;
    response.end("boom");
  });
  t.like(await deliver(local(`http://127.0.0.1:${port}/`), request), {
    ok: false,
    status: 500,
    error: null,
    gone: false,
    responseExcerpt: "boom",
  });
});

test("a 410 answer says the receiver is gone", async (t) => {
  const { port } = await receiver(t, (_request, response) => {
    response.statusCode = 410;
    response.end();
  });
  t.like(await deliver(local(`http://127.0.0.1:${port}/`), request), { ok: false, status: 410, gone: true });
});

test("a 429 with Retry-After in seconds asks for that wait", async (t) => {
  const { port } = await receiver(t, (_request, response) => {
    response.writeHead(429, { "retry-after": "7" }).end();
  });
  t.like(await deliver(local(`http://127.0.0.1:${port}/`), request), { ok: false, status: 429, retryAfterMs: 7000 });
});

test("a 503 with Retry-After as an HTTP date asks for the wait until that date", async (t) => {
  const { port } = await receiver(t, (_request, response) => {
    response.writeHead(503, { "retry-after": new Date(Date.now() + 30_000).toUTCString() }).end();
  });
  const { retryAfterMs } = await deliver(local(`http://127.0.0.1:${port}/`), request);
  t.true(retryAfterMs !== null && retryAfterMs > 27_000 && retryAfterMs <= 30_000, String(retryAfterMs));
});

test("Retry-After on an answer other than 429 or 503 is ignored", async (t) => {
  const { port } = await receiver(t, (_request, response) => {
    response.writeHead(500, { "retry-after": "7" }).end();
  });
  t.like(await deliver(local(`http://127.0.0.1:${port}/`), request), { status: 500, retryAfterMs: null });
});

test("a receiver that never answers gives no status and a timeout error", async (t) => {
  const port = await listen(
    t,
    createServer(() => {}),
  );
  const result = await deliver(local(`http://127.0.0.1:${port}/`), request, { timeoutMs: 300 });
  t.like(result, { ok: false, status: null, error: "no answer within 0.3 s", gone: false });
  t.true(result.durationMs >= 290 && result.durationMs < 3000, String(result.durationMs));
});

test("a refused connection names the address and port, never the query string", async (t) => {
  const port = await closedPort();
  const result = await deliver(local(`http://hooks.example.test:${port}/x?token=secret`), request);
  t.like(result, { ok: false, status: null, error: `connection refused by 127.0.0.1:${port}` });
});

test("the Host header is the URL's host while the connection goes to the pinned address", async (t) => {
  const { port, received } = await receiver(t, (_request, response) => response.end("ok"));
  const result = await deliver(local(`http://hooks.example.test:${port}/x?token=secret`), request);
  t.like(result, { ok: true, status: 200 });
  t.is(received[0]?.headers.host, `hooks.example.test:${port}`);
  t.is(received[0]?.url, "/x?token=secret", "the query string is sent, only never logged");
});

test("no error string carries the URL's path or query", async (t) => {
  const port = await listen(
    t,
    createServer(() => {}),
  );
  const results = await Promise.all([
    deliver(local(`http://hooks.example.test:${port}/T0/B0/secret?token=secret`), request, { timeoutMs: 200 }),
    deliver(local(`http://hooks.example.test:${await closedPort()}/T0/B0/secret?token=secret`), request),
    deliver(local(`https://hooks.example.test:${port}/T0/B0/secret?token=secret`), request, { timeoutMs: 2000 }),
  ]);
  for (const { error } of results) {
    t.truthy(error);
    t.false(error?.includes("secret"), error ?? "");
  }
});

test("a header that node:http refuses comes back as an error, not a throw", async (t) => {
  const { port, received } = await receiver(t, (_request, response) => response.end());
  const result = await deliver(local(`http://127.0.0.1:${port}/`), { headers: { "x-bad": "a\nb" }, body });
  t.like(result, { ok: false, status: null });
  t.regex(result.error ?? "", /^could not send to http:\/\/127\.0\.0\.1:\d+: /);
  t.is(received.length, 0);
});
