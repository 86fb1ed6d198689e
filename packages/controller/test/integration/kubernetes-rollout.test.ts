import { ApiException } from "@kubernetes/client-node";
import test from "ava";
import { deployed } from "../helpers/deploy-fixture.ts";
import { clusterTestImage, eventually } from "../helpers/cluster.ts";
import { endpoints, rcNames, serve, served, serviceLoad, setup } from "../helpers/kube-app.ts";
import { recordReplicas } from "../helpers/rc-watch.ts";

const image = await clusterTestImage();

test("deploys a release as a ReplicationController whose pods serve behind the app's Service", async (t) => {
  const f = await setup(t, { web: 2 });
  const v2 = await deployed(f, image, { web: serve });
  t.is((await f.release(v2)).state, "deployed", (await f.release(v2)).failure ?? "");
  const ns = await f.core.readNamespace({ name: f.app });
  t.is(ns.metadata?.labels?.heritage, "berth");
  const rc = await f.core.readNamespacedReplicationController({ name: `${f.app}-v2-web`, namespace: f.app });
  t.is(rc.spec?.replicas, 2);
  t.deepEqual(
    (await f.deployer.pods(f.app)).map((p) => [p.release, p.state, p.ready]),
    [
      ["v2", "running", true],
      ["v2", "running", true],
    ],
  );
  t.deepEqual(await served(f, 2), Array(2).fill(`release=v2 app=${f.app} greeting=`));
  const behind = await endpoints(f, 2);
  t.deepEqual(behind.map((e) => e.pod).sort(), (await f.deployer.pods(f.app)).map((p) => p.name).sort(), "the Service selects both pods");
  const service = await f.core.readNamespacedService({ name: `${f.app}-web`, namespace: f.app });
  t.deepEqual(
    await f.deployer.upstreams(f.app),
    { ready: [`${service.spec?.clusterIP}:80`], draining: [] },
    "routed to the Service's ClusterIP",
  );
});

test("rolls a config change out batch by batch: the new RC grows by one before the old one shrinks by one", async (t) => {
  const f = await setup(t, { web: 3 });
  await deployed(f, image, { web: serve });
  const replicas = await recordReplicas(t, f.kc, f.app);
  await f.config({ values: { GREETING: "hello" } });
  await f.settle();
  t.is((await f.release(3)).state, "deployed", (await f.release(3)).failure ?? "");
  const old = `${f.app}-v2-web`;
  const next = `${f.app}-v3-web`;
  t.deepEqual(replicas, [`${old}=3`, `${next}=0`, `${next}=1`, `${old}=2`, `${next}=2`, `${old}=1`, `${next}=3`, `${old}=0`]);
  t.deepEqual(await rcNames(f), [next]);
  t.deepEqual(await served(f, 3), Array(3).fill(`release=v3 app=${f.app} greeting=hello`));
  const secrets = (await f.core.listNamespacedSecret({ namespace: f.app })).items.map((s) => s.metadata?.name);
  t.deepEqual(secrets, [`${f.app}-v3-env`], "v2's Secret went with its RC");
  const container = (await f.core.readNamespacedReplicationController({ name: next, namespace: f.app })).spec?.template?.spec
    ?.containers[0];
  t.false(JSON.stringify(container).includes("hello"), "config values are never inlined in the RC");
});

// busybox httpd exits at once on SIGTERM, as many apps do: without the pods' preStop wait, kube-proxy
// sent a stopping pod new connections it refused (two of 110,438 requests through the chart's router).
test("rolls out under load through the app's Service without failing a request, old pods serving until kube-proxy stops sending", async (t) => {
  const f = await setup(t, { web: 2 }, { terminationGracePeriodSeconds: 10 });
  await deployed(f, image, { web: serve });
  const service = await f.core.readNamespacedService({ name: `${f.app}-web`, namespace: f.app });
  const load = serviceLoad(`${service.spec?.clusterIP}:80`);
  await f.config({ values: { GREETING: "hello" } });
  await f.settle();
  t.is((await f.release(3)).state, "deployed", (await f.release(3)).failure ?? "");
  const gone = await eventually(
    async () =>
      (await f.core.listNamespacedPod({ namespace: f.app })).items.every((p) => !p.metadata?.deletionTimestamp) ? true : undefined,
    "v2's pods to be gone",
    30_000,
  );
  const report = await load.stop();
  t.true(gone);
  t.log(`${report.failures.length} of ${report.total} requests failed`);
  t.deepEqual([...report.releases].sort(), ["v2", "v3"], "the load saw both releases");
  t.deepEqual(report.failures.slice(0, 10), [], `${report.failures.length} of ${report.total} failed`);
});

test("aborts a release whose pods fail their healthcheck, with the probe's own failure, and scales the previous one back", async (t) => {
  const f = await setup(t, { web: 2 });
  await deployed(f, image, { web: serve });
  await f.config({ values: { BERTH_DEPLOY_TIMEOUT: "15" }, healthchecks: { web: { path: "/missing", period: 1 } } });
  await f.settle();
  const failed = await f.release(3);
  t.is(failed.state, "failed");
  t.regex(
    failed.failure ?? "",
    new RegExp(
      `web\\.1 \\(${f.app}-v3-web-[a-z0-9]+\\) cannot run: Unhealthy: Liveness probe failed: (HTTP probe failed with statuscode: 404|Get .*/missing.*connection refused)`,
    ),
  );
  t.is((await f.release(2)).state, "deployed");
  t.deepEqual(await rcNames(f), [`${f.app}-v2-web`]);
  t.deepEqual(await served(f, 2), Array(2).fill(`release=v2 app=${f.app} greeting=`));
});

// Which the kubelet reports first depends on timing, on a real one as on the simulator: the exit, the
// back-off, or the liveness probe that found nothing listening as the process went.
test("aborts a release that crash-loops, naming the instance and what the kubelet saw", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: serve });
  const v3 = await deployed(f, image, { web: "echo boom; exit 3" });
  const failed = await f.release(v3);
  t.is(failed.state, "failed");
  t.regex(
    failed.failure ?? "",
    new RegExp(
      `web\\.1 \\(${f.app}-v3-web-[a-z0-9]+\\) (exited with code 3|cannot run: CrashLoopBackOff|cannot run: Unhealthy: Liveness probe failed)`,
    ),
  );
  t.deepEqual(await rcNames(f), [`${f.app}-v2-web`]);
  t.deepEqual(await served(f, 1), [`release=v2 app=${f.app} greeting=`]);
});

test("aborts a release whose image cannot be pulled, with Kubernetes' reason", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: serve });
  const v3 = await deployed(f, "127.0.0.1:9/berth/missing:v1", { web: serve });
  const failed = await f.release(v3);
  t.is(failed.state, "failed");
  t.regex(failed.failure ?? "", /cannot run: (ErrImagePull|ImagePullBackOff): /);
  t.deepEqual(await rcNames(f), [`${f.app}-v2-web`]);
});

test("aborts a release no node can run, with the scheduler's words, instead of waiting for it", async (t) => {
  const f = await setup(t, { web: 1 }, { nodeSelector: { "berth.test/pool": "none" } });
  const v2 = await deployed(f, image, { web: serve });
  const failed = await f.release(v2);
  t.is(failed.state, "failed");
  t.regex(failed.failure ?? "", /cannot run: FailedScheduling: 0\/1 nodes are available: .*node affinity\/selector/);
  t.deepEqual(await rcNames(f), [], "the release's RC was removed");
});

test("destroying the app deletes its namespace and everything in it", async (t) => {
  const f = await setup(t);
  await deployed(f, image, { web: serve });
  await f.deployer.destroy(f.app);
  // The namespace controller removes a namespace only once its pods are gone, and the kubelet lets a
  // pod go only once its containers have stopped.
  const error = await t.throwsAsync(f.core.readNamespace({ name: f.app }));
  t.true(error instanceof ApiException && error.code === 404, String(error));
});
