import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { berthKubeconfigFile, describePods, testCluster, uniqueApp } from "@berth/controller/test/cluster";
import test from "ava";
import { commitTree, push } from "../helpers/git.ts";
import { get } from "../helpers/http.ts";
import { startTestPlatform } from "../helpers/platform.ts";

function testRegistry(): string {
  const registry = process.env.BERTH_TEST_REGISTRY;
  if (registry === undefined || registry === "") {
    throw new Error("BERTH_TEST_REGISTRY is not set: run the tests through `scripts/with-services` (it starts a registry)");
  }
  return registry;
}

test.serial(
  "on Kubernetes a push is built, pushed to the registry, run by a ReplicationController and served through the router",
  async (t) => {
    const registry = testRegistry();
    const { core, scheduler } = await testCluster();
    const app = uniqueApp("hello");
    t.teardown(() => scheduler.destroyApp(app).catch(() => {}));
    const dir = await mkdtemp(join(tmpdir(), "bk-"));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    // Berth acts as its service account; the router reaches the app at its Service's ClusterIP through
    // the node's kube-proxy, with no cluster DNS and nothing standing in for either.
    const { platform, client } = await startTestPlatform(t, {
      BERTH_SCHEDULER: "kubernetes",
      KUBECONFIG: await berthKubeconfigFile(dir),
      BERTH_REGISTRY: registry,
    });
    const registered = await client.auth.register({ username: "alice", password: "alice-password" });
    const alice = client.withToken(registered.token ?? "");
    await alice.apps.create(app);

    const tree = await mkdtemp(join(tmpdir(), "berth-app-"));
    await commitTree(
      tree,
      {
        "package.json": JSON.stringify({ name: app, version: "1.0.0", scripts: { start: "node server.js" } }),
        "server.js":
          'require("node:http").createServer((q, s) => s.end("hello from " + process.env.BERTH_RELEASE + "\\n")).listen(process.env.PORT);\n',
      },
      "first",
    );
    const pushed = await push(tree, `http://alice:${registered.token}@127.0.0.1:${platform.port}/${app}.git`);
    t.true(pushed.ok, `${pushed.output}\n${await describePods(core, app)}`);
    t.regex(pushed.output, /released v2/);

    const build = (await alice.builds.list(app)).results[0];
    t.true(build?.image.startsWith(`${registry}/${app}:git-`), `the image is the registry's: ${build?.image}`);
    const tags = (await (await fetch(`http://${registry}/v2/${app}/tags/list`)).json()) as { tags: string[] };
    t.true(
      tags.tags.some((tag) => build?.image.endsWith(`:${tag}`)),
      "the registry holds the build",
    );
    const rcs = (await core.listNamespacedReplicationController({ namespace: app })).items;
    t.deepEqual(
      rcs.map((rc) => [rc.metadata?.name, rc.status?.readyReplicas]),
      [[`${app}-v2-web`, 1]],
    );
    const pod = (await core.listNamespacedPod({ namespace: app })).items[0];
    t.is(pod?.spec?.containers[0]?.image, build?.image, "the kubelet pulled the build from the registry");

    let reply = { status: 0, body: "" };
    for (let i = 0; i < 100 && reply.body !== "hello from v2\n"; i++) {
      reply = await get(platform.port, `${app}.localhost`).catch(() => ({ status: 0, body: "" }));
      if (reply.body !== "hello from v2\n") await new Promise((r) => setTimeout(r, 100));
    }
    t.is(reply.body, "hello from v2\n", "served through the router from the pod");
  },
);
