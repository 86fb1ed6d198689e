import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter, waitFor } from "./helpers/router.ts";
import { get, startUpstream } from "./helpers/servers.ts";

test("serves a 503 maintenance page and does not reach the app", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address], maintenance: true })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 503);
  t.regex(reply.body, /maintenance/);
  t.is(web.seen.length, 0);
});

test("applies a settings change from the stream without a restart", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  t.is((await get(r.port, "shop.test.local")).status, 200);
  stub.publish([route("shop", { upstreams: [web.address], maintenance: true })]);
  await waitFor(() => r.router.routes.current().version === 2, "version 2");
  t.is((await get(r.port, "shop.test.local")).status, 503);
});

test("answers 404 for an app that is not routable", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address], routable: false })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 404);
  t.regex(reply.body, /not routable/);
  t.is(web.seen.length, 0);
});

test("refuses clients outside the allow-list with 403 naming their address", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([
    route("open", { hosts: ["open.test.local"], upstreams: [web.address], allowlist: ["127.0.0.0/8"] }),
    route("closed", { hosts: ["closed.test.local"], upstreams: [web.address], allowlist: ["10.0.0.0/8", "2001:db8::/32"] }),
  ]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  t.is((await get(r.port, "open.test.local")).status, 200);
  const denied = await get(r.port, "closed.test.local");
  t.is(denied.status, 403);
  t.regex(denied.body, /127\.0\.0\.1/);
  t.is(web.seen.length, 1);
});

test("ignores X-Forwarded-For from a peer that is not a trusted proxy", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([route("shop", { upstreams: [web.address], allowlist: ["10.1.2.3/32"] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  const reply = await get(r.port, "shop.test.local", "/", { "x-forwarded-for": "10.1.2.3" });
  t.is(reply.status, 403);
  t.is(web.seen.length, 0);
});

test("believes X-Forwarded-For from a trusted proxy and checks the real client", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([
    route("shop", { upstreams: [web.address], allowlist: ["10.1.2.0/24"], trustedProxies: ["127.0.0.1/32", "192.168.0.0/16"] }),
  ]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  // client 10.1.2.3 → proxy 192.168.1.1 → router (peer 127.0.0.1, trusted)
  const allowed = await get(r.port, "shop.test.local", "/", { "x-forwarded-for": "10.1.2.3, 192.168.1.1" });
  t.is(allowed.status, 200);
  // a client spoofing an allowed address on the left does not get through: the first untrusted hop counts
  const spoofed = await get(r.port, "shop.test.local", "/", { "x-forwarded-for": "10.1.2.3, 203.0.113.7" });
  t.is(spoofed.status, 403);
  t.regex(spoofed.body, /203\.0\.113\.7/);
});

test("keeps X-Forwarded-Proto from a trusted proxy only", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  stub.publish([
    route("trusting", { hosts: ["trusting.test.local"], upstreams: [web.address], trustedProxies: ["127.0.0.1"] }),
    route("plain", { hosts: ["plain.test.local"], upstreams: [web.address] }),
  ]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  await get(r.port, "trusting.test.local", "/", { "x-forwarded-proto": "https" });
  await get(r.port, "plain.test.local", "/", { "x-forwarded-proto": "https" });
  t.is(web.seen[0]!["x-forwarded-proto"], "https");
  t.is(web.seen[1]!["x-forwarded-proto"], "http");
});
