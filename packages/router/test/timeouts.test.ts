import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter } from "./helpers/router.ts";
import { deadAddress, get, startUpstream } from "./helpers/servers.ts";

test("answers 504 when the app does not answer within its read timeout", async (t) => {
  const stub = await new ControllerStub().start();
  const hung = await startUpstream("hung", () => {});
  stub.publish([route("shop", { upstreams: [hung.address], readTimeoutMs: 200 })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), hung.close()]));

  const started = Date.now();
  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 504);
  t.regex(reply.body, /did not answer within 200 ms/);
  t.true(Date.now() - started < 3000);
});

test("answers 502 when the app's instance refuses connections", async (t) => {
  const stub = await new ControllerStub().start();
  stub.publish([route("shop", { upstreams: [await deadAddress()] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 502);
  t.regex(reply.body, /connection refused/);
  t.regex(reply.body, /berth logs -a shop/);
});

test("retries a bodiless request on the next instance when one refuses connections", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("alive");
  stub.publish([route("shop", { upstreams: [await deadAddress(), web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  for (let i = 0; i < 4; i++) t.is((await get(r.port, "shop.test.local")).body, "hello from alive");
});

test("cuts the client connection when the app dies mid-response", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("dying", (_req, res) => {
    res.writeHead(200, { "content-length": "100" });
    res.write("partial");
    setTimeout(() => res.socket?.destroy(), 20);
  });
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  await t.throwsAsync(get(r.port, "shop.test.local"));
});
