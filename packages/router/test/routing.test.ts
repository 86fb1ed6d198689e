import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter } from "./helpers/router.ts";
import { get, startUpstream } from "./helpers/servers.ts";

test("routes by Host header to the app's instance, ignoring port and case", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web-1");
  const other = await startUpstream("other-1");
  stub.publish([route("shop", { upstreams: [web.address] }), route("blog", { upstreams: [other.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close(), other.close()]));

  const shop = await get(r.port, "Shop.Test.Local:8080");
  t.is(shop.status, 200);
  t.is(shop.body, "hello from web-1");
  t.is((await get(r.port, "blog.test.local")).body, "hello from other-1");
});

test("routes a custom domain to its app", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web-1");
  stub.publish([route("shop", { hosts: ["shop.test.local", "www.example.com"], upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  const reply = await get(r.port, "www.example.com");
  t.is(reply.status, 200);
  t.is(reply.body, "hello from web-1");
});

test("answers 404 naming the host when no app answers to it", async (t) => {
  const stub = await new ControllerStub().start();
  stub.publish([route("shop")]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.port, "nothing.example.org");
  t.is(reply.status, 404);
  t.regex(reply.body, /nothing\.example\.org/);
  t.regex(reply.headers["content-type"] ?? "", /text\/html/);
});

test("escapes the host it names on the 404 page", async (t) => {
  const stub = await new ControllerStub().start();
  const r = await startRouter(stub);
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.port, "a<b>.example");
  t.is(reply.status, 404);
  t.false(reply.body.includes("<b>"));
  t.true(reply.body.includes("a&lt;b&gt;.example"));
});

test("hands berth.<domain> to the platform handler", async (t) => {
  const stub = await new ControllerStub().start();
  const r = await startRouter(stub, {
    deps: { platformHandler: (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("controller API") },
  });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.port, "berth.test.local:8080", "/v2/apps");
  t.is(reply.status, 200);
  t.is(reply.body, "controller API");
});

test("hands the platform's aliases to the platform handler too, and only those", async (t) => {
  const stub = await new ControllerStub().start();
  const r = await startRouter(stub, {
    deps: {
      platformHandler: (_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end("controller API"),
      platformAliases: ["localhost"],
    },
  });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const alias = await get(r.port, "LOCALHOST:8080", "/v2/apps");
  t.is(alias.status, 200);
  t.is(alias.body, "controller API");
  t.is((await get(r.port, "other.localhost:8080", "/v2/apps")).status, 404);
});

test("balances round robin over the ready instances", async (t) => {
  const stub = await new ControllerStub().start();
  const ups = await Promise.all(["a", "b", "c"].map((n) => startUpstream(n)));
  stub.publish([route("shop", { upstreams: ups.map((u) => u.address) })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), ...ups.map((u) => u.close())]));

  const bodies: string[] = [];
  for (let i = 0; i < 6; i++) bodies.push((await get(r.port, "shop.test.local")).body);
  t.deepEqual(
    bodies,
    ["a", "b", "c", "a", "b", "c"].map((n) => `hello from ${n}`),
  );
});

test("sends no new requests to draining instances", async (t) => {
  const stub = await new ControllerStub().start();
  const ready = await startUpstream("new");
  const old = await startUpstream("old");
  stub.publish([route("shop", { upstreams: [ready.address], draining: [old.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), ready.close(), old.close()]));

  for (let i = 0; i < 4; i++) t.is((await get(r.port, "shop.test.local")).body, "hello from new");
  t.is(old.seen.length, 0);
});

test("lets an in-flight request finish on an instance that starts draining", async (t) => {
  const stub = await new ControllerStub().start();
  let release: () => void = () => {};
  const slow = await startUpstream("old", (_req, res) => {
    release = () => res.end("finished on old");
  });
  const fresh = await startUpstream("new");
  stub.publish([route("shop", { upstreams: [slow.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), slow.close(), fresh.close()]));

  const inFlight = get(r.port, "shop.test.local");
  while (slow.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  stub.publish([route("shop", { upstreams: [fresh.address], draining: [slow.address] })]);
  while (r.router.routes.current().version < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  t.is((await get(r.port, "shop.test.local")).body, "hello from new");
  release();
  const reply = await inFlight;
  t.is(reply.status, 200);
  t.is(reply.body, "finished on old");
});

test("answers 503 with a hint when the app has no instance ready", async (t) => {
  const stub = await new ControllerStub().start();
  stub.publish([route("shop", { upstreams: [] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 503);
  t.regex(reply.body, /No instances running/);
  t.regex(reply.body, /ps:scale web=1 -a shop/);
});

test("passes X-Forwarded-For/Proto/Host and a generated X-Request-Id to the app", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  const reply = await get(r.port, "shop.test.local:8080", "/x", { "x-forwarded-for": "203.0.113.9" });
  const seen = web.seen[0]!;
  t.is(seen["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
  t.is(seen["x-forwarded-proto"], "http");
  t.is(seen["x-forwarded-host"], "shop.test.local:8080");
  t.is(seen.host, "shop.test.local:8080");
  t.regex(String(seen["x-request-id"]), /^[0-9a-f-]{36}$/);
  t.is(reply.headers["x-request-id"], seen["x-request-id"]);
});

test("keeps the client's X-Request-Id", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  const reply = await get(r.port, "shop.test.local", "/", { "x-request-id": "req-42" });
  t.is(web.seen[0]!["x-request-id"], "req-42");
  t.is(reply.headers["x-request-id"], "req-42");
});

test("streams request bodies to the app", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web", (req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => {
      body += c;
    });
    req.on("end", () => res.end(`got ${body.length} bytes: ${body.slice(0, 5)}`));
  });
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  const { request } = await import("node:http");
  const reply = await new Promise<string>((resolve, reject) => {
    const req = request({ port: r.port, host: "127.0.0.1", method: "POST", headers: { host: "shop.test.local" }, agent: false }, (res) => {
      let b = "";
      res.on("data", (c: Buffer) => {
        b += c.toString();
      });
      res.on("end", () => resolve(b));
    });
    req.on("error", reject);
    req.write("hello ");
    req.end("x".repeat(100_000));
  });
  t.is(reply, "got 100006 bytes: hello");
});

test("says the platform API is not mounted when berth.<domain> has no handler", async (t) => {
  const stub = await new ControllerStub().start();
  const r = await startRouter(stub);
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.port, "berth.test.local", "/v2/apps");
  t.is(reply.status, 404);
  t.regex(reply.body, /platform API not served here/i);
});
