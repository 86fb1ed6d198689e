import { request } from "node:http";
import test from "ava";
import { platformProxy } from "../src/platform-proxy.ts";
import { ControllerStub } from "./helpers/controller-stub.ts";
import { startRouter } from "./helpers/router.ts";
import { deadAddress, get, startUpstream } from "./helpers/servers.ts";

/** A router whose `berth.test.local` goes through {@link platformProxy} to a controller and a builder stand-in. */
async function proxied(t: import("ava").ExecutionContext, builder = true) {
  const stub = await new ControllerStub().start();
  const controller = await startUpstream("controller");
  const git = await startUpstream("builder", (req, res) => {
    let size = 0;
    req.on("data", (chunk: Buffer) => (size += chunk.length));
    req.on("end", () => res.writeHead(200, { "content-type": "application/x-git-receive-pack-result" }).end(`pack of ${size} bytes`));
  });
  const r = await startRouter(stub, {
    deps: {
      platformHandler: platformProxy({
        controllerUrl: `http://${controller.address}`,
        builderUrl: builder ? `http://${git.address}` : undefined,
      }),
    },
  });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), controller.close(), git.close()]));
  return { r, controller, git };
}

test("berth.<domain> goes to the controller, with the client's address, scheme and host forwarded", async (t) => {
  const { r, controller } = await proxied(t);
  const reply = await get(r.port, "berth.test.local", "/v2/apps?page=2", {
    authorization: "Bearer t0ken",
    "x-forwarded-for": "203.0.113.9",
  });
  t.is(reply.status, 200);
  t.is(reply.body, "hello from controller");
  t.is(reply.headers["x-served-by"], "controller");
  const seen = controller.seen.at(-1);
  t.is(seen?.authorization, "Bearer t0ken");
  t.is(seen?.["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
  t.is(seen?.["x-forwarded-proto"], "http");
  t.is(seen?.["x-forwarded-host"], "berth.test.local");
});

test("git paths go to the builder, and a push's body streams through whole", async (t) => {
  const { r, controller, git } = await proxied(t);
  const body = Buffer.alloc(5 * 1024 * 1024, 7);
  const reply = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: r.port,
        method: "POST",
        path: "/shop.git/git-receive-pack",
        headers: { host: "berth.test.local", "transfer-encoding": "chunked" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
    req.end();
  });
  t.is(reply.status, 200);
  t.is(reply.text, `pack of ${body.length} bytes`);
  t.is(git.seen.length, 1);
  t.is(controller.seen.length, 0, "the controller saw none of it");
  t.is((await get(r.port, "berth.test.local", "/shop.git/info/refs?service=git-upload-pack")).body, "pack of 0 bytes");
});

test("without a builder URL, git gets a 404 in the API's error shape saying what to set", async (t) => {
  const { r } = await proxied(t, false);
  const reply = await get(r.port, "berth.test.local", "/shop.git/info/refs?service=git-receive-pack");
  t.is(reply.status, 404);
  t.deepEqual(JSON.parse(reply.body), {
    error: {
      code: "NOT_FOUND",
      message: "git is not served by this router",
      hint: "set BERTH_BUILDER_URL on the router to the builder's URL",
    },
  });
});

test("a controller that does not answer is a 502 naming it, in the API's error shape", async (t) => {
  const stub = await new ControllerStub().start();
  const dead = await deadAddress();
  const r = await startRouter(stub, {
    deps: { platformHandler: platformProxy({ controllerUrl: `http://${dead}`, builderUrl: undefined }) },
  });
  t.teardown(async () => Promise.all([r.stop(), stub.stop()]));
  const reply = await get(r.port, "berth.test.local", "/v2/apps");
  t.is(reply.status, 502);
  const { error } = JSON.parse(reply.body) as { error: { code: string; message: string; hint: string } };
  t.is(error.code, "UNAVAILABLE");
  t.regex(error.message, new RegExp(`^the controller at http://${dead} did not answer: .*ECONNREFUSED`));
  t.is(error.hint, "check that the controller is running");
});

test("a kept-alive connection the controller drops as a GET goes out is retried once on a new one; a POST is not", async (t) => {
  const stub = await new ControllerStub().start();
  // A controller that is stopping: each connection answers one request, then drops the next one
  // unanswered (as a server closing its idle connections does when one is reused at that moment).
  const sockets = new Set<import("node:net").Socket>();
  let answered = 0;
  const controller = await startUpstream("controller", (req, res) => {
    const socket = req.socket;
    if (sockets.has(socket)) return void socket.destroy();
    sockets.add(socket);
    answered++;
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "text/plain" }).end(`answer ${answered}`));
  });
  const r = await startRouter(stub, {
    deps: { platformHandler: platformProxy({ controllerUrl: `http://${controller.address}`, builderUrl: undefined }) },
  });
  t.teardown(async () => Promise.all([r.stop(), stub.stop(), controller.close()]));
  t.is((await get(r.port, "berth.test.local", "/v2/apps")).body, "answer 1");
  const again = await get(r.port, "berth.test.local", "/v2/apps");
  t.deepEqual([again.status, again.body], [200, "answer 2"], "the second GET met the dropped connection and was sent again");
  const post = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: r.port,
        path: "/v2/apps",
        method: "POST",
        headers: { host: "berth.test.local", "content-type": "application/json" },
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end("{}");
  });
  t.is(post, 502, "a request with a body may have reached the controller: it is not sent twice");
  t.is(answered, 2);
});
