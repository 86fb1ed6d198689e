import { createServer } from "node:http";
import test from "ava";
import { WebSocket, WebSocketServer } from "ws";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { startRouter } from "./helpers/router.ts";
import { closeServer, listen } from "./helpers/servers.ts";

test("proxies WebSocket upgrades both ways with forwarding headers", async (t) => {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  let forwardedFor: string | undefined;
  wss.on("connection", (socket, req) => {
    forwardedFor = req.headers["x-forwarded-for"] as string;
    socket.on("message", (data) => socket.send(`echo: ${data.toString()}`));
  });
  const port = await listen(server);
  const stub = await new ControllerStub().start();
  stub.publish([route("chat", { upstreams: [`127.0.0.1:${port}`] })]);
  const r = await startRouter(stub, { waitForVersion: 1 });
  t.teardown(async () => {
    for (const c of wss.clients) c.terminate();
    wss.close();
    await Promise.all([r.stop(), stub.stop(), closeServer(server)]);
  });

  const client = new WebSocket(`ws://127.0.0.1:${r.port}/socket`, { headers: { host: "chat.test.local" } });
  const reply = await new Promise<string>((resolve, reject) => {
    client.on("open", () => client.send("hi"));
    client.on("message", (data) => resolve(data.toString()));
    client.on("error", reject);
  });
  client.close();
  t.is(reply, "echo: hi");
  t.is(forwardedFor, "127.0.0.1");
});

test("refuses an upgrade for an unknown host with a 404", async (t) => {
  const stub = await new ControllerStub().start();
  const r = await startRouter(stub);
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));

  const client = new WebSocket(`ws://127.0.0.1:${r.port}/`, { headers: { host: "nope.test.local" } });
  const status = await new Promise<number>((resolve) => {
    client.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    client.on("error", () => resolve(-1));
  });
  t.is(status, 404);
});
