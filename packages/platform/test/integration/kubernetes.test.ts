import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startKubeSim } from "@berth/kube-sim";
import test from "ava";
import Docker from "dockerode";
import { commitTree, push } from "../helpers/git.ts";
import { get } from "../helpers/http.ts";
import { startTestPlatform, testDockerHost } from "../helpers/platform.ts";

function testRegistry(): string {
  const registry = process.env.BERTH_TEST_REGISTRY;
  if (registry === undefined || registry === "") {
    throw new Error("BERTH_TEST_REGISTRY is not set: run the tests through `scripts/with-services` (it starts a registry)");
  }
  return registry;
}

interface EndpointsList {
  items: { metadata: { name: string; namespace: string }; subsets?: { addresses?: { ip: string }[]; ports?: { port: number }[] }[] }[];
}

/**
 * Stands in for cluster DNS and kube-proxy, which cannot run here: maps `<service>.<namespace>.svc:80`
 * to a ready endpoint the simulator's Endpoints controller reports, refreshed every 100 ms.
 */
function kubeProxy(apiUrl: string) {
  const table = new Map<string, string>();
  const refresh = async () => {
    const list = (await (await fetch(`${apiUrl}/api/v1/endpoints`)).json()) as EndpointsList;
    table.clear();
    for (const e of list.items) {
      const subset = e.subsets?.[0];
      const ip = subset?.addresses?.[0]?.ip;
      const port = subset?.ports?.[0]?.port;
      if (ip !== undefined && port !== undefined) table.set(`${e.metadata.name}.${e.metadata.namespace}.svc:80`, `${ip}:${port}`);
    }
  };
  const timer = setInterval(() => void refresh().catch(() => undefined), 100);
  return { dial: (address: string) => table.get(address), stop: () => clearInterval(timer) };
}

test.serial("on Kubernetes a push is built, pushed to the registry, run by a ReplicationController and served through the router", async (t) => {
  const dockerHost = testDockerHost();
  const registry = testRegistry();
  const docker = new Docker({ socketPath: dockerHost.replace(/^unix:\/\//, "") });
  const sim = await startKubeSim({ kubelet: { docker, containerLabels: { "berth.test": "1" } }, timeScale: 0.5 });
  t.teardown(() => sim.close());
  const dir = await mkdtemp(join(tmpdir(), "bk-"));
  await writeFile(join(dir, "kubeconfig"), sim.kubeConfigYaml());
  const proxy = kubeProxy(sim.url);
  t.teardown(() => proxy.stop());
  const { platform, client } = await startTestPlatform(
    t,
    { BERTH_SCHEDULER: "kubernetes", KUBECONFIG: join(dir, "kubeconfig"), BERTH_REGISTRY: registry },
    { dial: proxy.dial },
  );
  const registered = await client.auth.register({ username: "alice", password: "alice-password" });
  const alice = client.withToken(registered.token ?? "");
  await alice.apps.create("hello");
  t.teardown(() => alice.apps.destroy("hello").catch(() => undefined));

  const tree = await mkdtemp(join(tmpdir(), "berth-app-"));
  await commitTree(
    tree,
    {
      "package.json": JSON.stringify({ name: "hello", version: "1.0.0", scripts: { start: "node server.js" } }),
      "server.js": 'require("node:http").createServer((q, s) => s.end("hello from " + process.env.BERTH_RELEASE + "\\n")).listen(process.env.PORT);\n',
    },
    "first",
  );
  const pushed = await push(tree, `http://alice:${registered.token}@127.0.0.1:${platform.port}/hello.git`);
  t.true(pushed.ok, pushed.output);
  t.regex(pushed.output, /released v2/);

  const build = (await alice.builds.list("hello")).results[0];
  t.true(build?.image.startsWith(`${registry}/hello:git-`), `the image is the registry's: ${build?.image}`);
  const tags = (await (await fetch(`http://${registry}/v2/hello/tags/list`)).json()) as { tags: string[] };
  t.true(tags.tags.some((tag) => build?.image.endsWith(`:${tag}`)), "the registry holds the build");
  const rcs = (await (await fetch(`${sim.url}/api/v1/namespaces/hello/replicationcontrollers`)).json()) as {
    items: { metadata: { name: string }; status?: { readyReplicas?: number } }[];
  };
  t.deepEqual(
    rcs.items.map((rc) => [rc.metadata.name, rc.status?.readyReplicas]),
    [["hello-v2-web", 1]],
  );

  let reply = { status: 0, body: "" };
  for (let i = 0; i < 100 && reply.body !== "hello from v2\n"; i++) {
    reply = await get(platform.port, "hello.localhost").catch(() => ({ status: 0, body: "" }));
    if (reply.body !== "hello from v2\n") await new Promise((r) => setTimeout(r, 100));
  }
  t.is(reply.body, "hello from v2\n", "served through the router from the pod");
});
