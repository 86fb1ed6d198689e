import { request } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter, waitFor } from "./helpers/router.ts";
import { get, listen, startUpstream } from "./helpers/servers.ts";

/** An instance that is going away: it accepts connections and closes each as soon as a request arrives. */
async function closingInstance(): Promise<{ address: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => {
      requests++;
      socket.destroy();
    });
  });
  const port = await listen(server);
  return {
    address: `127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A POST with a body, through the router's port. */
function post(port: number, host: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", headers: { host, "content-type": "text/plain" } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

test("a request an instance closes without answering is sent once more, to the next instance", async (t) => {
  const stub = await new ControllerStub().start();
  const leaving = await closingInstance();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [leaving.address, web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), leaving.close(), web.close()]));

  for (let i = 0; i < 4; i++) {
    const reply = await get(r.port, "shop.test.local");
    t.is(reply.status, 200, reply.body);
    t.is(reply.body, "hello from web");
  }
  t.is(leaving.requests(), 4, "each was tried there first (the retry moves the round robin on), and answered by the next");
});

test("a request is retried once only, and one with a body not at all", async (t) => {
  const stub = await new ControllerStub().start();
  const leaving = await closingInstance();
  stub.publish([route("shop", { upstreams: [leaving.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), leaving.close()]));

  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 502);
  t.is(leaving.requests(), 2, "sent twice, then given up");

  t.is(await post(r.port, "shop.test.local", "order=1"), 502);
  t.is(leaving.requests(), 3, "a body the app may have read is never sent twice");
});

test("a request that timed out is not sent again", async (t) => {
  const stub = await new ControllerStub().start();
  let requests = 0;
  const slow = await startUpstream("slow", () => {
    requests++; // never answers
  });
  stub.publish([route("shop", { upstreams: [slow.address], readTimeoutMs: 200 })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), slow.close()]));

  t.is((await get(r.port, "shop.test.local")).status, 504);
  t.is(requests, 1);
});

test("the router closes its idle connections to a draining instance at once", async (t) => {
  const stub = await new ControllerStub().start();
  const old = await startUpstream("old");
  const fresh = await startUpstream("new");
  let open = 0;
  old.server.on("connection", (socket: Socket) => {
    open++;
    socket.on("close", () => open--);
  });
  stub.publish([route("shop", { upstreams: [old.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), old.close(), fresh.close()]));
  t.is((await get(r.port, "shop.test.local")).body, "hello from old");
  t.is(open, 1, "a pooled keep-alive connection");

  stub.publish([route("shop", { upstreams: [fresh.address], draining: [old.address] })]);
  await waitFor(() => open === 0, "the idle connection to the draining instance to close");
  t.is((await get(r.port, "shop.test.local")).body, "hello from new");
});

test("reports what it routes and what is in flight where it no longer routes, as soon as that changes", async (t) => {
  const stub = await new ControllerStub().start();
  let finish: (() => void) | undefined;
  const old = await startUpstream("old", (req, res) => {
    if (req.url === "/slow") finish = () => res.end("slow done");
    else res.end("hello from old");
  });
  const fresh = await startUpstream("new");
  stub.publish([route("shop", { upstreams: [old.address] })]);
  // A long interval: every report this test sees was sent because something changed.
  const r = await startRouter(stub, { waitForVersion: 1, statusIntervalMs: 60_000 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), old.close(), fresh.close()]));
  await waitFor(() => stub.statuses.some((s) => s.version === 1), "a report of table 1");
  t.deepEqual(stub.statuses.at(-1)?.routing, [old.address]);

  const slow = get(r.port, "shop.test.local", "/slow");
  await waitFor(() => finish !== undefined, "the slow request to reach the old instance");
  stub.publish([route("shop", { upstreams: [fresh.address], draining: [old.address] })]);
  await waitFor(() => stub.statuses.some((s) => s.version === 2), "a report of table 2");
  const second = stub.statuses.find((s) => s.version === 2);
  t.deepEqual(second?.routing, [fresh.address]);
  t.deepEqual(second?.busy, { [old.address]: 1 }, "the request still in flight there");

  const reports = stub.statuses.length;
  finish?.();
  t.is((await slow).body, "slow done");
  await waitFor(() => stub.statuses.length > reports, "a report once the old instance is drained");
  t.deepEqual(stub.statuses.at(-1)?.busy, {});
  t.is(typeof stub.statuses.at(-1)?.router, "string");
});

test("a stream that falls silent is taken for dead and reconnected", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  // Heartbeats ten times as often as the silence allowed: only a stall of most of a second could
  // make the router take a live stream for dead.
  const r = await startRouter(stub, { waitForVersion: 1, silenceMs: 1000 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));
  const heartbeats = setInterval(() => stub.heartbeat(), 100);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  t.is(stub.sinces.length, 1, "heartbeats keep a quiet stream alive");
  clearInterval(heartbeats);

  await waitFor(() => stub.sinces.length >= 2, "a reconnect after the silence");
  t.truthy(r.logs.lines.find((l) => l.msg === "route stream unavailable; serving the last table"));
  t.is((await get(r.port, "shop.test.local")).body, "hello from web");
});

test("after a stream that was up is cut, the router reconnects at once, however often it happens", async (t) => {
  const stub = await new ControllerStub().start();
  const r = await startRouter(stub, { backoff: { minMs: 20, maxMs: 5000 } });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));
  for (let i = 1; i <= 8; i++) {
    await waitFor(() => stub.watching === 1, `connection ${i}`);
    stub.cut();
    await waitFor(() => stub.watching === 0, "the cut");
  }
  t.true(stub.sinces.length >= 8);
  // Each cut of a stream that was up is retried after the shortest delay; the back-off never grows.
  const retries = r.logs.lines.filter((l) => String(l.msg).startsWith("route stream")).map((l) => l.fields?.retryMs);
  t.deepEqual(retries, Array(8).fill(20));
});
