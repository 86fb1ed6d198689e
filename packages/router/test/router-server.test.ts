import { connect } from "node:net";
import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter } from "./helpers/router.ts";
import { get, startUpstream } from "./helpers/servers.ts";

/** The router's server owns its listeners: more than one can serve the same router, and close ends them all. */

async function setUp(t: import("ava").ExecutionContext) {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web-1");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));
  return r;
}

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });

test("serves the same router on a second listener beside the first", async (t) => {
  const r = await setUp(t);
  const second = await r.server.listen(0, "127.0.0.1");
  t.not(second.port, r.port);
  t.is(r.server.address()?.port, r.port, "the address is the first listener's");
  t.is((await get(r.port, "shop.test.local")).body, "hello from web-1");
  t.is((await get(second.port, "shop.test.local")).body, "hello from web-1");
});

test("closing the server stops every listener", async (t) => {
  const r = await setUp(t);
  const second = await r.server.listen(0, "127.0.0.1");
  await r.server.close();
  t.true(await refused(r.port));
  t.true(await refused(second.port));
});

test("a listener that cannot bind rejects with the system's reason and leaves the others serving", async (t) => {
  const r = await setUp(t);
  const error = await t.throwsAsync(r.server.listen(r.port, "127.0.0.1"));
  t.is((error as NodeJS.ErrnoException).code, "EADDRINUSE");
  t.is((await get(r.port, "shop.test.local")).body, "hello from web-1");
  await r.server.close();
  t.true(await refused(r.port));
});

/** A raw kept-alive client connection: sends a GET for `host`, resolves with what came back once a full response (or the end) arrived. */
function rawClient(port: number) {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  let ended = false;
  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => (received += chunk));
  socket.on("end", () => (ended = true));
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return {
    ended: () => ended,
    /** A GET (the fast path), or with `body` a POST (Node's HTTP server). */
    async get(host: string, body?: string) {
      received = "";
      socket.write(
        body === undefined
          ? `GET / HTTP/1.1\r\nhost: ${host}\r\n\r\n`
          : `POST / HTTP/1.1\r\nhost: ${host}\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
      );
      await until(() => /\r\n\r\n[\s\S]*hello from web-1/.test(received) || ended);
      return received;
    },
    waitEnd: () => until(() => ended),
  };
}

test("closing with an idle grace: a kept-alive client's next request is answered with Connection: close; idle ones close after the grace", async (t) => {
  const r = await setUp(t);
  const busy = rawClient(r.port);
  const handed = rawClient(r.port);
  const idle = rawClient(r.port);
  t.notRegex(await busy.get("shop.test.local"), /connection: close/i);
  t.notRegex(await handed.get("shop.test.local", "x"), /connection: close/i, "Node's HTTP server keeps it alive too");
  t.notRegex(await idle.get("shop.test.local"), /connection: close/i);
  const closing = r.server.close({ idleGraceMs: 600 });
  t.true(await refused(r.port), "no new connections");
  for (const [client, body] of [
    [busy, undefined],
    [handed, "x"],
  ] as const) {
    const last = await client.get("shop.test.local", body);
    t.regex(last, /^HTTP\/1\.1 200 /);
    t.regex(last, /\r\nconnection: close\r\n/i, "the answer says the connection closes");
    await client.waitEnd();
    t.true(client.ended(), "and then it does");
  }
  t.false(idle.ended(), "an idle one is kept through the grace");
  await closing;
  await idle.waitEnd();
  t.true(idle.ended(), "and closed after it");
});
