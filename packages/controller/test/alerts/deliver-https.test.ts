import test from "ava";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { promisify } from "node:util";
import { deliver } from "../../src/alerts/deliver.ts";
import { listen } from "./local-server.ts";

const HOST = "hooks.example.test";

/** A self-signed certificate for HOST, made by the openssl CLI (no test dependency on a TLS library). */
async function selfSigned(): Promise<{ key: Buffer; cert: Buffer; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "berth-alerts-tls-"));
  const [keyFile, certFile] = [join(dir, "key.pem"), join(dir, "cert.pem")];
  await promisify(execFile)("openssl", [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-days",
    "1",
    "-subj",
    `/CN=${HOST}`,
    "-addext",
    `subjectAltName=DNS:${HOST}`,
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
  return { key: await readFile(keyFile), cert: await readFile(certFile), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

const tls = selfSigned();
test.after.always(async () => (await tls).cleanup());

async function tlsReceiver(t: Parameters<typeof listen>[0]) {
  const { key, cert } = await tls;
  const servernames: (string | false | null)[] = [];
  const hosts: (string | undefined)[] = [];
  const server = createServer({ key, cert }, (request, response) => {
    hosts.push(request.headers.host);
    request.resume();
    request.on("end", () => response.end("ok"));
  });
  server.on("secureConnection", (socket: TLSSocket) => servernames.push(socket.servername));
  return { port: await listen(t, server), cert, servernames, hosts };
}

function pinned(url: string) {
  return { url: new URL(url), address: "127.0.0.1", family: 4 as const };
}

const request = { headers: { "content-type": "application/json" }, body: "{}" };

test("an untrusted (self-signed) certificate fails the delivery with a TLS error", async (t) => {
  const { port, hosts } = await tlsReceiver(t);
  const result = await deliver(pinned(`https://${HOST}:${port}/?token=secret`), request);
  t.like(result, { ok: false, status: null });
  t.is(
    result.error,
    `the TLS certificate of https://${HOST}:${port} is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT); the receiver needs a valid certificate for its host from a publicly trusted CA`,
  );
  t.deepEqual(hosts, [], "nothing was sent");
});

test("with its CA trusted, the certificate verifies against the URL's host, named in SNI and Host", async (t) => {
  const { port, cert, servernames, hosts } = await tlsReceiver(t);
  const result = await deliver(pinned(`https://${HOST}:${port}/`), request, { ca: cert });
  t.like(result, { ok: true, status: 200, error: null, responseExcerpt: "ok" });
  t.deepEqual(servernames, [HOST]);
  t.deepEqual(hosts, [`${HOST}:${port}`]);
});

test("a trusted certificate for another host than the URL's fails the delivery", async (t) => {
  const { port, cert } = await tlsReceiver(t);
  const result = await deliver(pinned(`https://other.example.test:${port}/`), request, { ca: cert });
  t.like(result, { ok: false, status: null });
  t.regex(
    result.error ?? "",
    /^the TLS certificate of https:\/\/other\.example\.test:\d+ is for another host \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
  );
});

test("an https URL to a receiver that speaks plain http fails the handshake with a readable reason", async (t) => {
  const port = await listen(
    t,
    createHttpServer((_request, response) => response.end("ok")),
  );
  const result = await deliver(pinned(`https://${HOST}:${port}/?token=secret`), request);
  t.like(result, { ok: false, status: null });
  t.regex(
    result.error ?? "",
    /^the TLS handshake with https:\/\/hooks\.example\.test:\d+ failed: [a-z ]+ \(EPROTO\); check that the receiver serves https on that port$/,
  );
});
