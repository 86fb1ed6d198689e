import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RouteTable } from "@berth/api";
import test from "ava";
import { adminConfig, berthKubeconfigFile, clusterTestImage, describePods, testCluster, uniqueApp } from "../helpers/cluster.ts";
import { eventually } from "../helpers/eventually.ts";
import { serve } from "../helpers/kube-app.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test("BERTH_SCHEDULER=kubernetes with a KUBECONFIG deploys through the API, routes to the app's Service at its ClusterIP and deletes the namespace with the app", async (t) => {
  const { core, scheduler } = await testCluster();
  const image = await clusterTestImage();
  const [shop, payments] = [uniqueApp("shop"), uniqueApp("payments")];
  t.teardown(async () => {
    await scheduler.destroyApp(shop).catch(() => {});
    await core.deleteNamespace({ name: payments }).catch(() => {});
  });
  const dir = await mkdtemp(join(tmpdir(), "berth-k8s-main-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const kubeconfig = await berthKubeconfigFile(dir);
  const port = await freePort();
  const child = spawn(process.execPath, [join(import.meta.dirname, "../../src/main.ts")], {
    env: {
      PATH: process.env.PATH ?? "",
      HOME: dir,
      BERTH_DATA_DIR: join(dir, "data"),
      BERTH_PORT: String(port),
      BERTH_SCHEDULER: "kubernetes",
      KUBECONFIG: kubeconfig,
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
  const server = adminConfig().getCurrentCluster()?.server ?? "";
  t.regex(output, new RegExp(`"kubernetes scheduler".*${server.replace(/[./]/g, "\\$&")}`));

  const json = { "content-type": "application/json" };
  const register = await fetch(`${base}/v2/auth/register`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ username: "root", password: "root-password" }),
  });
  const { token } = (await register.json()) as { token: string };
  const headers = { ...json, authorization: `Bearer ${token}` };
  t.is((await fetch(`${base}/v2/apps`, { method: "POST", headers, body: JSON.stringify({ id: shop }) })).status, 201);
  const namespace = await core.readNamespace({ name: shop });
  t.is(namespace.metadata?.labels?.heritage, "berth", "creating the app created its namespace");

  // A namespace of that name that Berth did not make: the app is refused, and not kept.
  await core.createNamespace({ body: { metadata: { name: payments } } });
  const refused = await fetch(`${base}/v2/apps`, { method: "POST", headers, body: JSON.stringify({ id: payments }) });
  t.is(refused.status, 409, await refused.clone().text());
  t.regex(((await refused.json()) as { error: { message: string } }).error.message, /not made by Berth/);
  t.is((await fetch(`${base}/v2/apps/${payments}`, { headers })).status, 404, "the refused app was not kept");
  const build = await fetch(`${base}/v2/apps/${shop}/builds`, {
    method: "POST",
    headers,
    body: JSON.stringify({ image, procfile: { web: serve } }),
  });
  t.is(build.status, 201, await build.clone().text());

  const pods = await eventually(
    async () => {
      const { results: found } = (await (await fetch(`${base}/v2/apps/${shop}/pods`, { headers })).json()) as {
        results: { name: string; ready: boolean; release: string }[];
      };
      return found.length === 1 && found[0]?.ready ? found : undefined;
    },
    "a ready pod through /pods",
    30_000,
    () => describePods(core, shop),
  );
  t.is(pods[0]?.release, "v2");
  t.regex(pods[0]?.name ?? "", new RegExp(`^${shop}-v2-web-[a-z0-9]{5}$`));
  const table = await eventually(async () => {
    const answer = await fetch(`${base}/v2/routes`, { headers: { "x-berth-router-key": "router-key" } });
    const found = (await answer.json()) as RouteTable;
    return found.routes.find((r) => r.app === shop)?.upstreams.length ? found : undefined;
  }, `${shop}'s route`);
  // No cluster DNS is needed: the route is the Service's ClusterIP, which kube-proxy serves on every node.
  const service = await core.readNamespacedService({ name: `${shop}-web`, namespace: shop });
  const upstreams = table.routes.find((r) => r.app === shop)?.upstreams;
  t.deepEqual(upstreams, [`${service.spec?.clusterIP}:80`]);
  const reply = await eventually(
    () =>
      fetch(`http://${upstreams?.[0]}/cgi-bin/env`).then(
        (r) => r.text(),
        () => undefined,
      ),
    "the app through its route",
  );
  t.regex(reply, new RegExp(`^release=v2 app=${shop} `));

  const destroyed = await fetch(`${base}/v2/apps/${shop}`, { method: "DELETE", headers });
  t.is(destroyed.status, 204, await destroyed.clone().text());
  const error = await t.throwsAsync(core.readNamespace({ name: shop }));
  t.is((error as { code?: number }).code, 404, "destroying the app deleted its namespace");

  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  child.kill("SIGTERM");
  t.is(await exited, 0);
});
