import test from "ava";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter, waitFor } from "./helpers/router.ts";
import { deadAddress, get, startUpstream } from "./helpers/servers.ts";

test("answers 504 when the app does not answer within its read timeout", async (t) => {
  const stub = await new ControllerStub().start();
  const hung = await startUpstream("hung", () => {});
  stub.publish([route("shop", { upstreams: [hung.address], readTimeoutMs: 200 })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), hung.close()]));

  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 504);
  t.regex(reply.body, /did not answer within 200 ms/);
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

test("cuts a response whose body stalls longer than the body timeout", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("stalling", (_req, res) => {
    res.writeHead(200, { "content-length": "100" });
    res.write("a little");
  });
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1, deps: { bodyTimeoutMs: 200 } });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  await t.throwsAsync(get(r.port, "shop.test.local"));
  await waitFor(() => r.logs.lines.some((l) => l.fields.error === "BODY_TIMEOUT"), "the access log to name the timeout");
});

test("closes idle upstream connections after the idle time", async (t) => {
  const stub = await new ControllerStub().start();
  const web = await startUpstream("web");
  let open = 0;
  web.server.on("connection", (socket) => {
    open++;
    socket.on("close", () => open--);
  });
  stub.publish([route("shop", { upstreams: [web.address] })]);
  const r = await startRouter(stub, { waitForVersion: 1, deps: { idleMs: 100 } });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), web.close()]));

  await get(r.port, "shop.test.local");
  t.is(open, 1);
  await waitFor(() => open === 0, "the idle connection to close");
  t.is((await get(r.port, "shop.test.local")).status, 200);
});

test("answers 504 when the app's instance does not accept the connection in time", async (t) => {
  // A listening socket that never accepts: once its backlog is full, the kernel drops new SYNs, so a
  // connect neither succeeds nor fails — exactly an instance that hangs. Node always accepts, hence python.
  const { spawn } = await import("node:child_process");
  const holder = spawn(
    "python3",
    [
      "-c",
      "import socket,sys\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()",
    ],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  t.teardown(() => void holder.kill());
  const port = await new Promise<number>((resolve, reject) => {
    holder.once("error", () => reject(new Error("this test needs python3 (apt-get install python3)")));
    holder.stdout.once("data", (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
  });
  const { connect } = await import("node:net");
  const fillers = [connect(port, "127.0.0.1"), connect(port, "127.0.0.1")];
  t.teardown(() => {
    for (const f of fillers) f.destroy();
  });
  await new Promise((resolve) => setTimeout(resolve, 100));

  const stub = await new ControllerStub().start();
  stub.publish([route("shop", { upstreams: [`127.0.0.1:${port}`], connectTimeoutMs: 300 })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const reply = await get(r.port, "shop.test.local");
  t.is(reply.status, 504);
  t.regex(reply.body, /did not accept a connection within 300 ms/);
});
