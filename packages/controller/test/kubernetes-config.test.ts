import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "@berth/config";
import test from "ava";
import { loadControllerConfig } from "../src/config.ts";
import { BerthError } from "../src/errors.ts";
import { loadKubeConfig } from "../src/scheduler/kubernetes/connect.ts";

test("BERTH_SCHEDULER=kubernetes reads KUBECONFIG, the grace period, the node selector and the registry login", (t) => {
  const config = loadControllerConfig({
    BERTH_SCHEDULER: "kubernetes",
    KUBECONFIG: "/etc/berth/kubeconfig",
    BERTH_K8S_GRACE_PERIOD: "45",
    BERTH_K8S_NODE_SELECTOR: "disk=ssd, zone=a",
    BERTH_REGISTRY_SERVER: "registry.example.com",
    BERTH_REGISTRY_USERNAME: "berth",
    BERTH_REGISTRY_PASSWORD: "pw",
  });
  t.is(config.scheduler, "kubernetes");
  t.deepEqual(config.kubernetes, {
    kubeconfig: "/etc/berth/kubeconfig",
    terminationGracePeriodSeconds: 45,
    nodeSelector: { disk: "ssd", zone: "a" },
    registryLogin: { server: "registry.example.com", username: "berth", password: "pw" },
  });
});

test("defaults to client-node's kubeconfig lookup, a 30 s grace period, any node and no registry login", (t) => {
  t.deepEqual(loadControllerConfig({}).kubernetes, {
    kubeconfig: undefined,
    terminationGracePeriodSeconds: 30,
    nodeSelector: {},
    registryLogin: undefined,
  });
});

test("refuses a malformed node selector and a partial registry login, naming the variables", (t) => {
  const selector = t.throws(() => loadControllerConfig({ BERTH_K8S_NODE_SELECTOR: "disk" }), { instanceOf: ConfigError });
  t.regex(selector?.message ?? "", /BERTH_K8S_NODE_SELECTOR="disk" is not valid — use key=value pairs/);
  const login = t.throws(() => loadControllerConfig({ BERTH_REGISTRY_USERNAME: "berth" }), { instanceOf: ConfigError });
  t.regex(login?.message ?? "", /BERTH_REGISTRY_SERVER, BERTH_REGISTRY_USERNAME and BERTH_REGISTRY_PASSWORD go together/);
});

test("loads a kubeconfig file with its server, and says what to do when it is missing", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "berth-kubeconfig-"));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, "config");
  await writeFile(
    file,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:6443', insecure-skip-tls-verify: true}}]",
      "users: [{name: u, user: {token: t}}]",
      "contexts: [{name: x, context: {cluster: c, user: u}}]",
      "current-context: x",
    ].join("\n"),
  );
  t.is(loadKubeConfig(file).getCurrentCluster()?.server, "http://127.0.0.1:6443");
  const missing = t.throws(() => loadKubeConfig(join(dir, "nope")), { instanceOf: BerthError });
  t.regex(missing?.message ?? "", /could not load the Kubernetes configuration from .*nope/);
  t.regex(missing?.hint ?? "", /KUBECONFIG/);
});
