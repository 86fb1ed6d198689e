import test from "ava";
import { KubernetesScheduler } from "../../src/scheduler/kubernetes/scheduler.ts";
import { crashReportedByWatch } from "../helpers/crash-watch.ts";
import { fixtureWith } from "../helpers/deploy-fixture.ts";
import { clusterTestImage, removedAfter, testCluster, uniqueApp } from "../helpers/cluster.ts";
import { eventually } from "../helpers/eventually.ts";
import { countedStreams } from "../helpers/kube-streams.ts";

const image = await clusterTestImage();

test("a pod whose container crashes is reported within seconds through a pod watch, and close stops the watch", async (t) => {
  const cluster = await testCluster();
  const streams = countedStreams(cluster.kc);
  const scheduler = new KubernetesScheduler(cluster.berth, { terminationGracePeriodSeconds: 2, namespaces: streams.namespaces });
  const app = uniqueApp("kc");
  removedAfter(t, cluster, app);
  const f = await fixtureWith(t, "sqlite", scheduler, { pollMs: 100, timeoutMs: 20_000 }, app);
  const crash = await crashReportedByWatch(t, f, image);
  t.regex(crash.message, new RegExp(`^worker\\.1 \\(${app}-v2-worker-\\w+\\) exited with code 3; restarted 1 time\\(s\\)$`));
  t.true(streams.open.watches >= 1, "the pod watch is open");

  await f.deployer.close();
  await eventually(async () => (streams.open.watches === 0 ? true : undefined), "every watch to close", 2000);
});
