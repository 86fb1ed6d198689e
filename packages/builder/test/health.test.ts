import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import test from "ava";
import { healthProbes } from "../src/health.ts";

async function serve(t: import("ava").ExecutionContext, ping: () => Promise<unknown>) {
  const probes = healthProbes({ ping } as never);
  const server = createServer((req, res) => {
    if (!probes(req, res)) res.writeHead(418).end("git");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test("/healthz answers while the process runs; other paths are git's", async (t) => {
  const url = await serve(t, () => Promise.reject(new Error("down")));
  t.is((await fetch(`${url}/healthz`)).status, 200);
  t.is((await fetch(`${url}/shop.git/info/refs`)).status, 418);
});

test("/readyz is 200 when the engine answers and 503 naming it when it does not, or too late", async (t) => {
  t.is((await fetch(`${await serve(t, async () => "OK")}/readyz`)).status, 200);
  const refused = await fetch(`${await serve(t, () => Promise.reject(new Error("connect ECONNREFUSED /var/run/docker.sock")))}/readyz`);
  t.is(refused.status, 503);
  t.regex(((await refused.json()) as { docker: string }).docker, /^the Docker engine does not answer: connect ECONNREFUSED/);
  const silent = await fetch(`${await serve(t, () => new Promise(() => {}))}/readyz`);
  t.is(silent.status, 503);
  t.regex(((await silent.json()) as { docker: string }).docker, /no answer within 2000 ms/);
});
