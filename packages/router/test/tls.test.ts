import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import test, { type ExecutionContext } from "ava";
import { selfSignedCertificate as certificate } from "./helpers/certificates.ts";
import { ControllerStub, route } from "./helpers/controller-stub.ts";
import { freePort, get, startUpstream } from "./helpers/servers.ts";

interface Started {
  child: ChildProcess;
  httpPort: number;
  httpsPort: number;
  output: () => string;
}

/** The stand-alone router (main.ts) with `env`, once it says it listens for HTTPS, or how it exited. */
async function startRouter(t: ExecutionContext, env: Record<string, string>): Promise<Started | { code: number | null; stderr: string }> {
  const home = await mkdtemp(join(tmpdir(), "berth-tls-router-"));
  t.teardown(() => rm(home, { recursive: true, force: true }));
  const [httpPort, httpsPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [join(import.meta.dirname, "../src/main.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: home,
      BERTH_DATA_DIR: join(home, "data"),
      BERTH_ROUTER_HOST: "127.0.0.1",
      BERTH_ROUTER_PORT: String(httpPort),
      BERTH_ROUTER_TLS_PORT: String(httpsPort),
      BERTH_ROUTER_ADMIN_PORT: String(adminPort),
      BERTH_DOMAIN: "example.test",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => {
    child.kill("SIGKILL");
  });
  let out = "";
  child.stdout?.on("data", (chunk) => (out += chunk));
  child.stderr?.on("data", (chunk) => (out += chunk));
  return new Promise((resolve) => {
    child.on("exit", (code) => resolve({ code, stderr: out }));
    const check = setInterval(() => {
      if (!out.includes("router listening for HTTPS")) return;
      clearInterval(check);
      resolve({ child, httpPort, httpsPort, output: () => out });
    }, 50);
    child.on("exit", () => clearInterval(check));
  });
}

interface TlsReply {
  status: number;
  body: string;
  protocol: string | false | null;
}

/** One HTTPS request to the router for `host`, trusting only `ca`, on a new connection. */
function httpsGet(port: number, host: string, ca: string, options: { method?: string; body?: string } = {}): Promise<TlsReply> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      {
        host: "127.0.0.1",
        port,
        servername: host,
        headers: { host },
        method: options.method ?? "GET",
        path: "/",
        // An agent of its own: a new connection, offering ALPN as browsers do.
        agent: new Agent({ ca, ALPNProtocols: ["http/1.1"] }),
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => {
          const socket = res.socket as import("node:tls").TLSSocket;
          resolve({ status: res.statusCode ?? 0, body, protocol: socket.alpnProtocol });
        });
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** The certificate the router presents for `host`, from a bare handshake. */
function presented(port: number, host: string, ca: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, servername: host, ca, ALPNProtocols: ["http/1.1"] }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on("error", reject);
  });
}

async function fixture(t: ExecutionContext) {
  const dir = await mkdtemp(join(tmpdir(), "berth-tls-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const platform = await certificate(dir, "platform", ["*.example.test", "example.test"]);
  const app = await startUpstream("shop", (req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end(`proto=${req.headers["x-forwarded-proto"]}`);
  });
  t.teardown(() => app.close());
  const stub = await new ControllerStub().start();
  t.teardown(() => stub.stop());
  stub.publish([route("shop", { hosts: ["shop.example.test"], upstreams: [app.address] })]);
  /** What the router needs to follow the stub. */
  const env = { BERTH_CONTROLLER_URL: stub.url, BERTH_ROUTER_KEY: stub.key };
  return {
    dir,
    platform,
    stub,
    env,
    tls: { ...env, BERTH_ROUTER_TLS_CERT: platform.cert, BERTH_ROUTER_TLS_KEY: platform.key },
    ca: await readFile(platform.cert, "utf8"),
  };
}

test("with a certificate the router serves HTTPS beside HTTP: TLS 1.2+, ALPN http/1.1, X-Forwarded-Proto https on both paths", async (t) => {
  const f = await fixture(t);
  const started = await startRouter(t, f.tls);
  if (!("child" in started)) return t.fail(started.stderr);
  const fast = await httpsGet(started.httpsPort, "shop.example.test", f.ca);
  t.deepEqual([fast.status, fast.body, fast.protocol], [200, "proto=https", "http/1.1"], "a bodiless GET: the fast path");
  const slow = await httpsGet(started.httpsPort, "shop.example.test", f.ca, { method: "POST", body: "x".repeat(1000) });
  t.deepEqual([slow.status, slow.body], [200, "proto=https"], "a request with a body: Node's HTTP server");
  const plain = await get(started.httpPort, "shop.example.test");
  t.deepEqual([plain.status, plain.body], [200, "proto=http"], "plain HTTP still answers");
  const cert = await presented(started.httpsPort, "shop.example.test", f.ca);
  t.is(cert.subject.CN, "*.example.test");
  const old = connect({ host: "127.0.0.1", port: started.httpsPort, servername: "shop.example.test", maxVersion: "TLSv1.1", ca: f.ca });
  const refused = await new Promise<Error>((resolve) => old.on("error", resolve));
  t.regex(refused.message, /protocol|version|alert/i, "TLS 1.1 is refused");
});

test("a renewed certificate is served to new connections without a restart; a bad one is refused and the old one kept", async (t) => {
  const f = await fixture(t);
  const started = await startRouter(t, f.tls);
  if (!("child" in started)) return t.fail(started.stderr);
  const before = await presented(started.httpsPort, "shop.example.test", f.ca);
  // Renewed in place, as a Secret volume or a renewal would: new files moved over the old ones.
  const renewed = await certificate(f.dir, "renewed", ["*.example.test", "example.test"]);
  await rename(renewed.key, f.platform.key);
  await rename(renewed.cert, f.platform.cert);
  const ca = readFile(f.platform.cert, "utf8");
  const deadline = Date.now() + 10_000;
  let after = before;
  while (after.fingerprint256 === before.fingerprint256 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    after = await presented(started.httpsPort, "shop.example.test", await ca).catch(() => before);
  }
  t.not(after.fingerprint256, before.fingerprint256, `the renewed certificate is served\n${started.output()}`);
  t.is((await httpsGet(started.httpsPort, "shop.example.test", await ca)).body, "proto=https");
  // A key that is not the certificate's: logged, and the renewed certificate stays in service.
  const other = await certificate(f.dir, "other", ["other.test"]);
  await rename(other.key, f.platform.key);
  const logged = Date.now() + 10_000;
  while (!started.output().includes("the changed certificate is not used") && Date.now() < logged) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.regex(started.output(), /the changed certificate is not used; the previous one is still served.*is not the key of the certificate/);
  t.is((await presented(started.httpsPort, "shop.example.test", await ca)).fingerprint256, after.fingerprint256);
});

test("a certificate without its key, or with another's key, stops the router before it starts, saying which", async (t) => {
  const f = await fixture(t);
  const alone = await startRouter(t, {
    BERTH_CONTROLLER_URL: f.stub.url,
    BERTH_ROUTER_KEY: f.stub.key,
    BERTH_ROUTER_TLS_CERT: f.platform.cert,
  });
  t.false("child" in alone);
  if ("child" in alone) return;
  t.is(alone.code, 2);
  t.regex(alone.stderr, /BERTH_ROUTER_TLS_CERT and BERTH_ROUTER_TLS_KEY go together/);
  const other = await certificate(f.dir, "other", ["other.test"]);
  const mismatched = await startRouter(t, { ...f.tls, BERTH_ROUTER_TLS_KEY: other.key });
  if ("child" in mismatched) return t.fail("the router started with another certificate's key");
  t.is(mismatched.code, 2);
  t.regex(mismatched.stderr, /berth router: the key .*other\.key is not the key of the certificate .*platform\.crt/);
  await writeFile(join(f.dir, "empty.pem"), "");
  const empty = await startRouter(t, { ...f.tls, BERTH_ROUTER_TLS_CERT: join(f.dir, "empty.pem") });
  if ("child" in empty) return t.fail("the router started without a certificate");
  t.regex(empty.stderr, /empty\.pem holds no PEM certificate/);
});
