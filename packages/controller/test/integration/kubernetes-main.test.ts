import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RouteTable } from "@berth/api";
import { startKubeSim } from "@berth/kube-sim";
import test from "ava";
import { eventually } from "../helpers/kube-sim.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test("BERTH_SCHEDULER=kubernetes with a KUBECONFIG deploys through the API, routes to the app's Service and deletes the namespace with the app", async (t) => {
  const sim = await startKubeSim({ kubelet: { startDelayMs: 50 } });
  t.teardown(() => sim.close());
  const dir = await mkdtemp(join(tmpdir(), "berth-k8s-main-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, "kubeconfig"), sim.kubeConfigYaml());
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, "../../src/main.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      BERTH_DATA_DIR: join(dir, "data"),
      BERTH_PORT: String(port),
      BERTH_SCHEDULER: "kubernetes",
      KUBECONFIG: join(dir, "kubeconfig"),
      BERTH_ROUTER_KEY: "router-key",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  t.teardown(() => child.kill("SIGKILL"));
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${port}`;
  await eventually(
    () =>
      fetch(`${base}/healthz`).then(
        (r) => (r.ok ? true : undefined),
        () => undefined,
      ),
    `the controller (${output})`,
  );
  t.regex(output, new RegExp(`"kubernetes scheduler".*${sim.url.replace(/[./]/g, "\\$&")}`));

  const json = { "content-type": "application/json" };
  const register = await fetch(`${base}/v2/auth/register`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ username: "root", password: "root-password" }),
  });
  const { token } = (await register.json()) as { token: string };
  const headers = { ...json, authorization: `Bearer ${token}` };
  t.is((await fetch(`${base}/v2/apps`, { method: "POST", headers, body: JSON.stringify({ id: "shop" }) })).status, 201);
  const namespace = (await (await fetch(`${sim.url}/api/v1/namespaces/shop`)).json()) as { metadata?: { labels?: Record<string, string> } };
  t.is(namespace.metadata?.labels?.heritage, "berth", "creating the app created its namespace");

  // A namespace of that name that Berth did not make: the app is refused, and not kept.
  const foreign = await fetch(`${sim.url}/api/v1/namespaces`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "payments" } }),
  });
  t.is(foreign.status, 201);
  const refused = await fetch(`${base}/v2/apps`, { method: "POST", headers, body: JSON.stringify({ id: "payments" }) });
  t.is(refused.status, 409, await refused.clone().text());
  t.regex(((await refused.json()) as { error: { message: string } }).error.message, /not made by Berth/);
  t.is((await fetch(`${base}/v2/apps/payments`, { headers })).status, 404, "the refused app was not kept");
  const build = await fetch(`${base}/v2/apps/shop/builds`, {
    method: "POST",
    headers,
    body: JSON.stringify({ image: "registry.example.com/shop:git-abc", procfile: { web: "node server.js" } }),
  });
  t.is(build.status, 201, await build.clone().text());

  const pods = await eventually(async () => {
    const { results: found } = (await (await fetch(`${base}/v2/apps/shop/pods`, { headers })).json()) as {
      results: { name: string; ready: boolean; release: string }[];
    };
    return found.length === 1 && found[0]?.ready ? found : undefined;
  }, "a ready pod through /pods");
  t.is(pods[0]?.release, "v2");
  t.regex(pods[0]?.name ?? "", /^shop-v2-web-[a-z0-9]{5}$/);
  const table = await eventually(async () => {
    const answer = await fetch(`${base}/v2/routes`, { headers: { "x-berth-router-key": "router-key" } });
    const found = (await answer.json()) as RouteTable;
    return found.routes.find((r) => r.app === "shop")?.upstreams.length ? found : undefined;
  }, "shop's route");
  t.deepEqual(table.routes.find((r) => r.app === "shop")?.upstreams, ["shop-web.shop.svc:80"]);

  const destroyed = await fetch(`${base}/v2/apps/shop`, { method: "DELETE", headers });
  t.is(destroyed.status, 204, await destroyed.clone().text());
  const namespaces = await fetch(`${sim.url}/api/v1/namespaces/shop`);
  t.is(namespaces.status, 404, "destroying the app deleted its namespace");

  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  t.is(await exited, 0);
});
