import { randomBytes } from "node:crypto";
import test from "ava";
import { deployed, fixtureWith } from "../helpers/deploy-fixture.ts";
import { simCluster } from "../helpers/kube-sim.ts";
import { busyboxImage, testDockerHost } from "../helpers/test-image.ts";

const image = await busyboxImage(testDockerHost());
const serve = "exec httpd -f -p $PORT -h /www";

async function setup(t: Parameters<typeof fixtureWith>[0]) {
  const cluster = await simCluster(t);
  const app = `k-${randomBytes(4).toString("hex")}`;
  const f = await fixtureWith(t, "sqlite", cluster.scheduler, { pollMs: 100, timeoutMs: 20_000 }, app);
  return { ...f, ...cluster };
}

test("deploys a release as a ReplicationController whose pods become ready", async (t) => {
  const f = await setup(t);
  await f.formation({ web: 2 });
  const v2 = await deployed(f, image, { web: serve });
  t.is((await f.release(v2)).state, "deployed", (await f.release(v2)).failure ?? "");
  const rc = await f.core.readNamespacedReplicationController({ name: `${f.app}-v2-web`, namespace: f.app });
  t.is(rc.spec?.replicas, 2);
  const pods = await f.deployer.pods(f.app);
  t.deepEqual(
    pods.map((p) => [p.release, p.state, p.ready]),
    [
      ["v2", "running", true],
      ["v2", "running", true],
    ],
  );
});
