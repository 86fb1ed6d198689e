import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Server } from "node:net";
import { createSecureContext } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import test, { type ExecutionContext } from "ava";
import { ApiError, ControllerClient, isLocalhostName } from "../src/index.ts";

interface Seen {
  method: string;
  url: string;
  host: string;
  body: string;
  contentType: string | undefined;
}

async function listen(t: ExecutionContext, server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server & { closeAllConnections?(): void }).closeAllConnections?.();
      }),
  );
  return (server.address() as AddressInfo).port;
}

/** A server on 127.0.0.1 only, recording what reaches it; `answer` writes the response. */
async function loopbackServer(
  t: ExecutionContext,
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      host: req.headers.host ?? "",
      body: Buffer.concat(chunks).toString(),
      contentType: req.headers["content-type"],
    });
    answer(req, res);
  });
  return { port: await listen(t, server), seen };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

test("localhost and every name under it are loopback names; look-alikes are not", (t) => {
  for (const name of ["localhost", "LOCALHOST", "berth.localhost", "my-app.berth.localhost", "berth.localhost."])
    t.true(isLocalhostName(name), name);
  for (const name of ["localhost.example.com", "notlocalhost", "berthlocalhost", "127.0.0.1", "[::1]", "example.test"])
    t.false(isLocalhostName(name), name);
});

test("a client of http://berth.localhost:PORT reaches a server on 127.0.0.1 and sends the name as Host", async (t) => {
  const { port, seen } = await loopbackServer(t, (_req, res) => json(res, 200, { status: "ok" }));
  const client = new ControllerClient({ url: `http://berth.localhost:${port}` });
  t.deepEqual(await client.health.healthz(), { status: "ok" });
  const deeper = new ControllerClient({ url: `http://My-App.Berth.localhost:${port}`, token: "tok" });
  await deeper.health.healthz();
  t.deepEqual(
    seen.map((s) => s.host),
    [`berth.localhost:${port}`, `my-app.berth.localhost:${port}`],
  );
});

test("requests to a localhost name carry method, token, JSON body and query; answers keep status, body and errors", async (t) => {
  const { port, seen } = await loopbackServer(t, (req, res) => {
    if (req.url?.startsWith("/v2/apps/missing"))
      return json(res, 404, { error: { code: "APP_NOT_FOUND", message: 'app "missing" not found', hint: "run berth apps" } });
    if (req.method === "DELETE") {
      res.writeHead(204);
      return res.end();
    }
    json(res, 201, { values: { A: "1" } });
  });
  const client = new ControllerClient({ url: `http://berth.localhost:${port}`, token: "tok", userAgent: "berth-cli/test" });
  t.deepEqual(await client.config.set("web", { values: { A: "1" } }), { values: { A: "1" } } as never);
  t.like(seen[0], { method: "POST", url: "/v2/apps/web/config", body: '{"values":{"A":"1"}}', contentType: "application/json" });
  await client.apps.list({ limit: 5 });
  t.is(seen[1]?.url, "/v2/apps?limit=5");
  t.is(await client.domains.remove("web", "www.example.com"), undefined);
  const error = await t.throwsAsync(client.apps.get("missing"), { instanceOf: ApiError });
  t.like(error, { status: 404, code: "APP_NOT_FOUND", hint: "run berth apps" });
});

test("a streamed answer from a localhost name arrives line by line, and aborting ends it", async (t) => {
  let release = () => {};
  const { port } = await loopbackServer(t, (_req, res) => {
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.write(`${JSON.stringify({ time: "t1", source: "app", tag: "web.1", line: "first" })}\n`);
    // The second line only comes once the client has shown it has the first: proof of streaming.
    release = () => res.write(`${JSON.stringify({ time: "t2", source: "app", tag: "web.1", line: "second" })}\n`);
  });
  const client = new ControllerClient({ url: `http://berth.localhost:${port}`, token: "tok" });
  const stop = new AbortController();
  const lines: string[] = [];
  for await (const entry of client.logs.follow("web", {}, stop.signal)) {
    lines.push(entry.line);
    if (lines.length === 1) release();
    else stop.abort();
  }
  t.deepEqual(lines, ["first", "second"]);
});

test("nothing listening on a localhost name's port is the usual 'cannot reach' error", async (t) => {
  const server = createServer();
  const port = await listen(t, server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const error = await t.throwsAsync(new ControllerClient({ url: `http://berth.localhost:${port}` }).health.healthz(), {
    instanceOf: ApiError,
  });
  t.like(error, { status: 0, code: "UNAVAILABLE", message: `cannot reach the controller at http://berth.localhost:${port}` });
  t.is((error?.cause as { code?: string } | undefined)?.code, "ECONNREFUSED");
});

test("https to a localhost name names it for TLS (SNI) and still verifies the certificate", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-tls-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await promisify(execFile)("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=berth.localhost",
    "-addext",
    "subjectAltName=DNS:berth.localhost",
    "-keyout",
    join(dir, "key.pem"),
    "-out",
    join(dir, "cert.pem"),
  ]);
  const credentials = { key: await readFile(join(dir, "key.pem")), cert: await readFile(join(dir, "cert.pem")) };
  const sni: string[] = [];
  const server = createTlsServer(
    {
      ...credentials,
      SNICallback: (servername, done) => {
        sni.push(servername);
        done(null, createSecureContext(credentials));
      },
    },
    (_req, res) => json(res, 200, { status: "ok" }),
  );
  // The client refuses the self-signed certificate; the server hears of it as a client error.
  server.on("tlsClientError", () => {});
  const port = await listen(t, server);
  const error = await t.throwsAsync(new ControllerClient({ url: `https://berth.localhost:${port}` }).health.healthz(), {
    instanceOf: ApiError,
  });
  t.is(error?.status, 0);
  t.regex(String((error?.cause as Error | undefined)?.message), /self-signed certificate/);
  t.deepEqual(sni, ["berth.localhost"]);
});
