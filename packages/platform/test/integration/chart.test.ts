import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  describePods,
  documentedClusterRole,
  eventually,
  hostPathVolumes,
  loadYaml,
  serverDryRun,
  testCluster,
} from "@berth/controller/test/cluster";
import type { AppMetrics } from "@berth/api";
import test from "ava";
import { nodeApp } from "../helpers/apps.ts";
import { chartDir, helmPath, releaseNamespace, requireEnv, runTool, testValues } from "../helpers/chart.ts";
import { commitTree, push } from "../helpers/git.ts";
import { get } from "../helpers/http.ts";
import { selfSignedCertificate } from "@berth/router/test/certificates";

const root = join(import.meta.dirname, "../../../..");
const cli = join(root, "packages/cli/bin/berth.js");
const nodePort = 30080;
const namespace = releaseNamespace();
const release = "berth";

const helm = await helmPath();
const kube = { KUBECONFIG: requireEnv("BERTH_TEST_KUBECONFIG") };
const cluster = await testCluster();
const work = await mkdtemp(join(tmpdir(), "berth-chart-"));
// The builder's, the registry's and the database's claims bind to these.
const volumes = await hostPathVolumes(join(work, "volumes"), `berth-test-${namespace}`, 3);
const httpsNodePort = 30443;
const values = await testValues(work, nodePort, `berth-test-${namespace}`, { secretName: "berth-tls", httpsNodePort });
// The platform certificate the routers serve, as a cluster admin would give it. TLS clients match no
// wildcard right under a one-label domain (`*.localhost`), so the names used here are listed too.
const platformCertificate = await selfSignedCertificate(work, "platform", [
  "*.localhost",
  "localhost",
  "hello.localhost",
  "berth.localhost",
]);

test.after.always(async () => {
  await runTool(helm, ["uninstall", release, "-n", namespace, "--wait"], kube);
  await cluster.core.deleteNamespace({ name: namespace }).catch(() => {});
  await volumes.remove();
  for (const app of ["hello"]) await cluster.scheduler.destroyApp(app).catch(() => {});
  await rm(work, { recursive: true, force: true });
});

/** The real `berth` CLI, as a user runs it, with a home of its own, in a directory that is no git repository. */
async function berth(...args: string[]) {
  return runTool(process.execPath, [cli, ...args], { HOME: work, BERTH_PROFILE: join(work, "profile.json") }, 120_000, work);
}

test.serial("the platform's images are made offline from this checkout and pushed to a registry the nodes pull from", async (t) => {
  const started = Date.now();
  const made = await runTool(
    join(root, "scripts/images"),
    ["--push", requireEnv("BERTH_TEST_REGISTRY")],
    { DOCKER_HOST: requireEnv("BERTH_TEST_DOCKER_HOST") },
    40 * 60_000,
  );
  t.is(made.code, 0, made.stderr);
  for (const name of ["berth", "registry", "postgres", "dockerd"])
    t.regex(made.stderr, new RegExp(`berth/${name}:\\S+ (is up to date|in \\d+ s) \\(\\d+ MB\\)`));
  t.log(
    `images made and pushed in ${Math.round((Date.now() - started) / 1000)} s:\n${made.stderr
      .split("\n")
      .filter((l) => /\(\d+ MB\)/.test(l))
      .join("\n")}`,
  );
});

test.serial("helm lint --strict passes, and bad values fail before anything is made, naming the value", async (t) => {
  const lint = await runTool(helm, ["lint", "--strict", chartDir]);
  t.is(lint.code, 0, lint.stdout + lint.stderr);
  const bad: [string[], RegExp][] = [
    [["--set", "routr.replicas=2"], /additional properties 'routr' not allowed/],
    [["--set", "router.replicas=two"], /at '\/router\/replicas': got string, want integer/],
    [["--set", "database.url=mysql://db/berth"], /at '\/database\/url'/],
    [["--set", "controller.replicas=-1"], /at '\/controller\/replicas': minimum/],
    [["--set", "router.service.type=Ingress"], /at '\/router\/service\/type'/],
    [["--set", "database.bundled.enabled=false"], /database\.url: with database\.bundled\.enabled=false, set database\.url/],
  ];
  for (const [args, named] of bad) {
    const refused = await runTool(helm, ["install", release, chartDir, "-n", namespace, "--create-namespace", "-f", values, ...args], kube);
    t.not(refused.code, 0, args.join(" "));
    t.regex(refused.stderr, named, args.join(" "));
  }
  const left = await cluster.core.readNamespace({ name: namespace }).then(
    () => true,
    () => false,
  );
  t.false(left, "no namespace (nor anything else) was made");
});

test.serial("every manifest the chart renders is accepted by the real API server (server-side dry run)", async (t) => {
  const rendered = await runTool(helm, ["template", release, chartDir, "-n", namespace, "-f", values], kube);
  t.is(rendered.code, 0, rendered.stderr);
  const exists = await cluster.core.readNamespace({ name: namespace }).then(
    () => true,
    () => false,
  );
  if (!exists) await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
  const results = await serverDryRun(rendered.stdout, namespace);
  t.true(results.length >= 15, results.map((r) => r.object).join(", "));
  t.deepEqual(
    results.filter((r) => r.refused !== undefined),
    [],
    "the API server refused none",
  );
});

test.serial("the chart's ClusterRole for the controller is the one README.md documents", async (t) => {
  const rendered = await runTool(
    helm,
    ["template", release, chartDir, "-n", namespace, "-f", values, "--show-only", "templates/controller-rbac.yaml"],
    kube,
  );
  t.is(rendered.code, 0, rendered.stderr);
  const role = rendered.stdout.split("\n---\n").find((doc) => /\nkind: ClusterRole\n/.test(doc)) ?? "";
  const rules = JSON.stringify(loadYaml<{ rules: unknown }>(role).rules);
  t.is(rules, JSON.stringify((await documentedClusterRole()).rules));
});

test.serial("helm install --wait brings every platform pod up and ready", async (t) => {
  const exists = await cluster.core.readNamespace({ name: namespace }).then(
    () => true,
    () => false,
  );
  if (!exists) await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
  await cluster.core.createNamespacedSecret({
    namespace,
    body: {
      metadata: { name: "berth-tls" },
      type: "kubernetes.io/tls",
      stringData: {
        "tls.crt": await readFile(platformCertificate.cert, "utf8"),
        "tls.key": await readFile(platformCertificate.key, "utf8"),
      },
    },
  });
  const started = Date.now();
  const installed = await runTool(
    helm,
    ["install", release, chartDir, "-n", namespace, "--create-namespace", "-f", values, "--wait", "--timeout", "8m"],
    kube,
    9 * 60_000,
  );
  t.is(installed.code, 0, `${installed.stderr}\n${await describePods(cluster.core, namespace)}`);
  t.log(`helm install --wait: ${Math.round((Date.now() - started) / 1000)} s`);
  t.regex(installed.stdout, /berth register http:\/\/berth\.localhost:30080/, "NOTES print the register URL");
  t.regex(installed.stdout, /git remote add berth http:\/\/berth\.localhost:30080\/myapp\.git/, "and the git remote");
  const pods = (await cluster.core.listNamespacedPod({ namespace })).items;
  const notReady = pods.filter((p) => !p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  t.deepEqual(
    notReady.map((p) => p.metadata?.name),
    [],
  );
  const components = new Set(pods.map((p) => p.metadata?.labels?.["app.kubernetes.io/component"]));
  t.deepEqual([...components].sort(), ["builder", "controller", "database", "registry", "registry-proxy", "router"]);
  const controllers = pods.filter((p) => p.metadata?.labels?.["app.kubernetes.io/component"] === "controller");
  t.is(controllers.length, 2);
  // The two share the database: one of them leads (reconcile, the crash watch).
  const logsOf = () =>
    Promise.all(
      controllers.map((p) =>
        cluster.core.readNamespacedPodLog({ name: p.metadata?.name ?? "", namespace }).catch((error: unknown) => `(no log: ${error})`),
      ),
    );
  const leaders = (logs: string[]) => logs.filter((log) => log.includes('"msg":"leading"')).length;
  let logs = await logsOf();
  for (const deadline = Date.now() + 30_000; leaders(logs) === 0 && Date.now() < deadline; logs = await logsOf()) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  t.is(leaders(logs), 1, `one leader of two controllers:\n${logs.join("\n---\n")}`);
});

test.serial("through the installed router: berth register, create, git push, and the app answers from a pod on the node", async (t) => {
  const url = `http://berth.localhost:${nodePort}`;
  const registered = await berth("register", url, "--username", "alice", "--password", "alice-password");
  t.is(registered.code, 0, registered.stderr);
  const created = await berth("create", "hello");
  t.is(created.code, 0, created.stderr);
  const token = (await berth("auth:token")).stdout.trim();
  const tree = join(work, "hello");
  await commitTree(tree, nodeApp(), "first");
  const started = Date.now();
  const pushed = await push(tree, `http://alice:${token}@berth.localhost:${nodePort}/hello.git`, 10 * 60_000);
  t.true(pushed.ok, `${pushed.output}\n${await describePods(cluster.core, namespace)}`);
  t.regex(pushed.output, /released v2/);
  let reply = { status: 0, body: "" };
  for (let i = 0; i < 300 && reply.status !== 200; i++) {
    reply = await get(nodePort, "hello.localhost").catch(() => ({ status: 0, body: "" }));
    if (reply.status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.log(`git push to the app answering: ${Math.round((Date.now() - started) / 1000)} s`);
  t.is(reply.status, 200, await describePods(cluster.core, "hello"));
  t.regex(reply.body, /^hello from v2 on 5000/);
  const pod = (await cluster.core.listNamespacedPod({ namespace: "hello" })).items[0];
  t.regex(
    pod?.spec?.containers[0]?.image ?? "",
    /^localhost:5555\/hello:git-[0-9a-f]{7}$/,
    "the node pulled the build through its registry proxy",
  );
});

/** One GET over HTTPS to the router's HTTPS node port for `host`, trusting the platform certificate only. */
async function httpsGet(host: string, path = "/"): Promise<{ status: number; body: string }> {
  const ca = await readFile(platformCertificate.cert, "utf8");
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: "127.0.0.1", port: httpsNodePort, servername: host, headers: { host }, path, ca, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

test.serial("over HTTPS with the chart's TLS secret: the routers present the platform certificate for the app and the API", async (t) => {
  const app = await httpsGet("hello.localhost");
  t.is(app.status, 200);
  t.regex(app.body, /^hello from v2 on 5000/);
  const api = await httpsGet("berth.localhost", "/healthz");
  t.is(api.status, 200, api.body);
  const refused = await httpsGet("hello.example.org").catch((error: Error) => error);
  t.true(refused instanceof Error && /altnames|does not match/i.test(refused.message), String(refused));
});

/** GETs of `host` through the router until `until` settles; counts answers that were not a 200. */
async function load(until: Promise<unknown>, host = "hello.localhost", path = "/") {
  let done = false;
  void until.finally(() => (done = true));
  const failures: string[] = [];
  let total = 0;
  const started = Date.now();
  const client = async () => {
    while (!done) {
      total++;
      const reply = await get(nodePort, host, path).catch((error: Error) => ({ status: 0, body: error.message }));
      if (reply.status !== 200) {
        const said = /<title>([^<]*)<\/title>/.exec(reply.body)?.[1] ?? reply.body.slice(0, 100);
        failures.push(`${Date.now() - started} ms: ${reply.status} ${said}`);
      }
    }
  };
  await Promise.all([client(), client(), client(), client()]);
  return { total, failures };
}

/** Once no pod of hello is stopping. */
async function oldPodsGone() {
  await eventually(
    async () =>
      (await cluster.core.listNamespacedPod({ namespace: "hello" })).items.every((p) => p.metadata?.deletionTimestamp === undefined)
        ? true
        : undefined,
    "hello's stopping pods to be gone",
    60_000,
  );
}

/** The app's answer once it starts with `start` (a rollout through the router), or the last one after 60 s. */
async function answer(start: string) {
  const deadline = Date.now() + 60_000;
  let reply = { status: 0, body: "" };
  while (Date.now() < deadline) {
    reply = await get(nodePort, "hello.localhost").catch(() => ({ status: 0, body: "" }));
    if (reply.body.startsWith(start)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return reply;
}

test.serial("config:set, scale, rollback and logs work through the installed platform as on one machine", async (t) => {
  const set = await berth("config:set", "GREETING=hi", "-a", "hello");
  t.is(set.code, 0, set.stderr);
  let reply = await answer("hi from v3");
  t.regex(reply.body, /^hi from v3 on 5000/);
  const scaled = await berth("scale", "web=2", "-a", "hello");
  t.is(scaled.code, 0, scaled.stderr);
  const pods = (await cluster.core.listNamespacedPod({ namespace: "hello" })).items.filter(
    (p) => p.metadata?.deletionTimestamp === undefined,
  );
  t.is(pods.length, 2, await describePods(cluster.core, "hello"));
  // Under load until v3's pods are gone: they stop while kube-proxy may still send them connections,
  // and serve through their preStop wait.
  const rollback = berth("rollback", "-a", "hello").then(async (rolled) => {
    await oldPodsGone();
    return rolled;
  });
  const [rolled, traffic] = await Promise.all([rollback, load(rollback)]);
  t.is(rolled.code, 0, rolled.stderr);
  t.log(`rollback under load: ${traffic.failures.length} of ${traffic.total} requests failed`);
  t.deepEqual(traffic.failures.slice(0, 10), [], `${traffic.failures.length} of ${traffic.total} failed`);
  reply = await answer("hello from v4");
  t.regex(reply.body, /^hello from v4 on 5000/, "v4 is v2's build and config again");
  const logs = await berth("logs", "-a", "hello");
  t.is(logs.code, 0, logs.stderr);
  t.regex(logs.stdout, /listening on 5000/);
  // Every request of the load went through one router replica or the other: their counts add up to
  // at least all of them (each replica reports every 10 s).
  const metrics = await eventually(
    async () => {
      const shown = await berth("metrics", "-a", "hello", "--since", "30m", "--json");
      if (shown.code !== 0) throw new Error(shown.stderr);
      const parsed = JSON.parse(shown.stdout) as AppMetrics;
      return parsed.totals.requests >= traffic.total ? parsed : undefined;
    },
    "the routers' counts of the load in berth metrics",
    60_000,
  );
  t.log(`berth metrics: ${metrics.totals.requests} requests from ${metrics.routers} router(s), p95 ${metrics.totals.p95Ms} ms`);
  t.is(metrics.processes.find((p) => p.type === "web")?.memory, undefined, "no memory figures without a metrics server");
});

test.serial("helm upgrade with a changed value and new images: the app answers throughout, keys and data kept", async (t) => {
  const keysBefore = (await cluster.core.readNamespacedSecret({ name: "berth-keys", namespace })).data;
  // The same images under a new tag, so that every platform pod is replaced.
  const engine = { DOCKER_HOST: requireEnv("BERTH_TEST_DOCKER_HOST") };
  const registry = requireEnv("BERTH_TEST_REGISTRY");
  for (const name of ["berth", "registry", "postgres", "dockerd"]) {
    const tagged = await runTool("docker", ["tag", `berth/${name}:0.1.0`, `${registry}/berth/${name}:0.1.0-next`], engine);
    t.is(tagged.code, 0, tagged.stderr);
    const pushed = await runTool("docker", ["push", "--quiet", `${registry}/berth/${name}:0.1.0-next`], engine);
    t.is(pushed.code, 0, pushed.stderr);
  }
  // The load measures the upgrade alone: nothing of the rollback before it is still stopping.
  await oldPodsGone();
  const started = Date.now();
  const upgrade = runTool(
    helm,
    [
      "upgrade",
      release,
      chartDir,
      "-n",
      namespace,
      "-f",
      values,
      "--set",
      "image.tag=0.1.0-next",
      "--set",
      "controller.deployWatch=5",
      "--wait",
      "--timeout",
      "8m",
    ],
    kube,
    9 * 60_000,
  );
  // The API too: the controllers roll one at a time, the new one ready before the old one goes.
  const [upgraded, traffic, api] = await Promise.all([upgrade, load(upgrade), load(upgrade, "berth.localhost", "/healthz")]);
  t.is(upgraded.code, 0, `${upgraded.stderr}\n${await describePods(cluster.core, namespace)}`);
  t.log(
    `helm upgrade --wait: ${Math.round((Date.now() - started) / 1000)} s; ${traffic.failures.length} of ${traffic.total} requests to the app failed, ${api.failures.length} of ${api.total} to the controller`,
  );
  t.deepEqual(traffic.failures.slice(0, 10), [], `${traffic.failures.length} of ${traffic.total} failed`);
  t.deepEqual(api.failures.slice(0, 10), [], `${api.failures.length} of ${api.total} requests to the controller failed`);
  // Old router pods may still be finishing their requests (terminating); every pod that stays is new.
  const staying = (await cluster.core.listNamespacedPod({ namespace })).items.filter((p) => p.metadata?.deletionTimestamp === undefined);
  const images = staying.flatMap((p) => p.spec?.containers.map((c) => c.image) ?? []);
  t.true(
    images.every((image) => image?.endsWith(":0.1.0-next")),
    images.join(", "),
  );
  t.deepEqual(
    (await cluster.core.readNamespacedSecret({ name: "berth-keys", namespace })).data,
    keysBefore,
    "the generated keys were kept",
  );
  const apps = await berth("apps");
  t.is(apps.code, 0, apps.stderr);
  t.regex(apps.stdout, /hello/, "the data survived: alice's session and her app");
});

test.serial("helm uninstall removes the platform and leaves the apps' namespaces running, as NOTES say", async (t) => {
  const removed = await runTool(helm, ["uninstall", release, "-n", namespace, "--wait", "--timeout", "3m"], kube, 4 * 60_000);
  t.is(removed.code, 0, removed.stderr);
  // helm waits for the objects it deletes; their pods go after, within their grace periods.
  const gone = await eventually(
    async () => ((await cluster.core.listNamespacedPod({ namespace })).items.length === 0 ? true : undefined),
    "the platform's pods to go",
    90_000,
    () => describePods(cluster.core, namespace),
  );
  t.true(gone, "no platform pod is left");
  t.truthy(await cluster.core.readNamespacedSecret({ name: "berth-keys", namespace }), "the keys are kept for a reinstall");
  const app = (await cluster.core.listNamespacedPod({ namespace: "hello" })).items;
  t.true(app.length > 0 && app.every((p) => p.status?.phase === "Running"), "the app's pods still run");
  t.is((await cluster.core.readNamespace({ name: "hello" })).metadata?.labels?.heritage, "berth");
});
