import { Writable } from "node:stream";
import { Log } from "@kubernetes/client-node";
import type { CoreV1Api, V1Container, V1Pod } from "@kubernetes/client-node";
import test, { type ExecutionContext } from "ava";
import { hostPortAnnotation } from "../../src/index.ts";
import { busyboxImage, containerLabels, containersOfPod, pushedImage, testDocker, testRegistry } from "../helpers/docker.ts";
import { eventually, gone, simClient } from "../helpers/sim.ts";

/** A simulator whose kubelet runs pods on the test engine, ten times faster than real time. */
async function dockerSim(t: ExecutionContext) {
  const docker = testDocker();
  const image = await busyboxImage(docker);
  const labels = containerLabels(t, docker);
  const client = await simClient(t, { kubelet: { docker, containerLabels: labels }, timeScale: 0.1 });
  return { ...client, docker, image };
}

async function createPod(core: CoreV1Api, name: string, container: V1Container, extra: Partial<V1Pod["spec"]> = {}): Promise<V1Pod> {
  return core.createNamespacedPod({
    namespace: "default",
    body: { metadata: { name, labels: { app: name } }, spec: { containers: [container], ...extra } },
  });
}

const pod = (core: CoreV1Api, name: string) => core.readNamespacedPod({ name, namespace: "default" });

const httpServer = "echo serving on $PORT; echo ok > /tmp/index.html; exec httpd -f -p $PORT -h /tmp";

test("runs a pod's container for real and marks it Ready when its HTTP probe passes", async (t) => {
  const { core, image } = await dockerSim(t);
  await core.createNamespacedService({
    namespace: "default",
    body: { metadata: { name: "web" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 5000 }] } },
  });
  await createPod(core, "web", {
    name: "web",
    image,
    command: ["sh", "-c", httpServer],
    ports: [{ containerPort: 5000 }],
    readinessProbe: { httpGet: { path: "/index.html", port: 5000 }, periodSeconds: 2 },
  });
  const ready = await eventually(
    async () => {
      const p = await pod(core, "web");
      return p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True" ? p : undefined;
    },
    "the pod to become Ready",
    20_000,
  );
  t.is(ready.status!.phase, "Running");
  t.is(ready.status!.podIP, "127.0.0.1");
  t.regex(ready.status!.containerStatuses![0]!.containerID!, /^docker:\/\/[0-9a-f]{64}$/);
  const port = Number(ready.metadata!.annotations![hostPortAnnotation]);
  t.is(await (await fetch(`http://127.0.0.1:${port}/index.html`)).text(), "ok\n");
  const ep = await eventually(async () => {
    const e = await core.readNamespacedEndpoints({ name: "web", namespace: "default" }).catch(() => undefined);
    return e?.subsets?.[0]?.addresses?.length ? e : undefined;
  }, "endpoints");
  t.is(ep.subsets![0]!.addresses![0]!.ip, "127.0.0.1");
  t.is(ep.subsets![0]!.ports![0]!.port, port);
  t.regex(await core.readNamespacedPodLog({ name: "web", namespace: "default" }), new RegExp(`serving on ${port}`));
  const stamped = await core.readNamespacedPodLog({ name: "web", namespace: "default", timestamps: true, tailLines: 1 });
  t.regex(stamped, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z serving on ${port}\\n$`));
});

test("keeps a pod unready while its TCP probe fails, with Unhealthy events", async (t) => {
  const { core, image } = await dockerSim(t);
  await createPod(core, "idle", {
    name: "idle",
    image,
    command: ["sleep", "1000"],
    readinessProbe: { tcpSocket: { port: 5000 }, periodSeconds: 2 },
  });
  const events = await eventually(
    async () => {
      const list = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=idle,reason=Unhealthy" });
      return list.items.length > 0 ? list.items : undefined;
    },
    "an Unhealthy event",
    20_000,
  );
  t.regex(events[0]!.message!, /^Readiness probe failed: dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/);
  const p = await pod(core, "idle");
  t.is(p.status!.phase, "Running");
  t.false(p.status!.containerStatuses![0]!.ready);
  t.like(
    p.status!.conditions!.find((c) => c.type === "Ready"),
    { status: "False", reason: "ContainersNotReady" },
  );
});

test("restarts a crashing container with back-off into CrashLoopBackOff", async (t) => {
  const { core, image } = await dockerSim(t);
  await createPod(core, "crash", { name: "crash", image, command: ["sh", "-c", "echo boom; exit 3"] });
  const crashed = await eventually(
    async () => {
      const p = await pod(core, "crash");
      const s = p.status?.containerStatuses?.[0];
      return s?.state?.waiting?.reason === "CrashLoopBackOff" ? p : undefined;
    },
    "CrashLoopBackOff",
    30_000,
  );
  const status = crashed.status!.containerStatuses![0]!;
  t.true(status.restartCount >= 1);
  t.regex(status.state!.waiting!.message!, /^back-off \d+s restarting failed container=crash pod=crash_default\(/);
  t.like(status.lastState!.terminated, { exitCode: 3, reason: "Error" });
  t.is(crashed.status!.phase, "Running");
  const backOff = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=crash,reason=BackOff" });
  t.is(backOff.items[0]!.type, "Warning");
  t.regex(await core.readNamespacedPodLog({ name: "crash", namespace: "default", previous: true }), /boom/);
});

test("reports ErrImagePull and ImagePullBackOff for an image that cannot be pulled", async (t) => {
  const { core } = await dockerSim(t);
  await createPod(core, "ghost", { name: "ghost", image: "kube-sim-missing-image:1" });
  const reasons = new Set<string>();
  await eventually(
    async () => {
      const reason = (await pod(core, "ghost")).status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason) reasons.add(reason);
      return reasons.has("ImagePullBackOff") ? true : undefined;
    },
    "ImagePullBackOff",
    20_000,
  );
  t.is((await pod(core, "ghost")).status!.phase, "Pending");
  const failed = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=ghost,reason=Failed" });
  t.true(failed.items.some((e) => e.message === "Error: ErrImagePull"));
  t.true(failed.items.some((e) => /^Failed to pull image "kube-sim-missing-image:1": /.test(e.message!)));
});

test("resolves secretKeyRef env at start and waits in CreateContainerConfigError without the secret", async (t) => {
  const { core, image } = await dockerSim(t);
  const container = {
    name: "env",
    image,
    command: ["sh", "-c", "echo greeting=$GREETING port=$PORT; sleep 1000"],
    env: [{ name: "GREETING", valueFrom: { secretKeyRef: { name: "app-env", key: "GREETING" } } }],
  };
  await createPod(core, "env", container);
  await eventually(
    async () =>
      (await pod(core, "env")).status?.containerStatuses?.[0]?.state?.waiting?.reason === "CreateContainerConfigError" ? true : undefined,
    "CreateContainerConfigError",
    20_000,
  );
  const failed = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=env,reason=Failed" });
  t.is(failed.items[0]!.message, 'Error: secret "app-env" not found');
  await core.createNamespacedSecret({ namespace: "default", body: { metadata: { name: "app-env" }, stringData: { GREETING: "hello" } } });
  const log = await eventually(
    async () => {
      const text = await core.readNamespacedPodLog({ name: "env", namespace: "default" }).catch(() => "");
      return text.includes("greeting=") ? text : undefined;
    },
    "the container to log",
    20_000,
  );
  t.regex(log, /greeting=hello port=\d+/);
});

test("follows a pod's log as the container writes it", async (t) => {
  const { kc, core, image } = await dockerSim(t);
  await createPod(core, "ticker", {
    name: "ticker",
    image,
    command: ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"],
  });
  await eventually(
    async () => ((await pod(core, "ticker")).status?.containerStatuses?.[0]?.state?.running ? true : undefined),
    "running",
    20_000,
  );
  let text = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString("utf8");
      done();
    },
  });
  let ended = false;
  sink.on("finish", () => {
    ended = true;
  });
  await new Log(kc).log("default", "ticker", "ticker", sink, { follow: true });
  await eventually(() => (/tick 5\n/.test(text) ? true : undefined), "six ticks through the follow stream", 20_000);
  t.regex(text, /^tick 0\ntick 1\n/);
  // The stream lasts as long as the container: stopping it ends the response.
  await core.deleteNamespacedPod({ name: "ticker", namespace: "default", gracePeriodSeconds: 1 });
  await eventually(() => (ended ? true : undefined), "the follow stream to end with the container", 10_000);
  t.pass();
});

test("deleting a pod stops and removes its container within the grace period", async (t) => {
  const { core, docker, image } = await dockerSim(t);
  const created = await createPod(
    core,
    "short",
    { name: "short", image, command: ["sh", "-c", httpServer] },
    { terminationGracePeriodSeconds: 5 },
  );
  await eventually(
    async () => ((await pod(core, "short")).status?.containerStatuses?.[0]?.state?.running ? true : undefined),
    "running",
    20_000,
  );
  t.is((await containersOfPod(docker, created.metadata!.uid!)).length, 1);
  await core.deleteNamespacedPod({ name: "short", namespace: "default" });
  t.truthy((await pod(core, "short")).metadata!.deletionTimestamp);
  await eventually(() => gone(() => pod(core, "short")), "the pod to go", 10_000);
  t.deepEqual(await containersOfPod(docker, created.metadata!.uid!), []);
});

test("kills and restarts a container whose liveness probe fails", async (t) => {
  const { core, image } = await dockerSim(t);
  await createPod(core, "live", {
    name: "live",
    image,
    command: ["sh", "-c", "echo up; exec httpd -f -p $PORT -h /tmp"],
    livenessProbe: { httpGet: { path: "/missing", port: 5000 }, periodSeconds: 2, failureThreshold: 2 },
  });
  const restarted = await eventually(
    async () => {
      const p = await pod(core, "live");
      return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    },
    "a restart",
    30_000,
  );
  t.truthy(restarted.status!.containerStatuses![0]!.lastState!.terminated);
  const events = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=live" });
  const messages = events.items.map((e) => `${e.reason}: ${e.message}`);
  t.true(messages.includes("Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404"), messages.join("\n"));
  t.true(messages.includes("Killing: Container live failed liveness probe, will be restarted"), messages.join("\n"));
});

test("an RC's pods run as containers, and scaling to zero removes them", async (t) => {
  const { core, docker, image } = await dockerSim(t);
  const labels = { app: "shop", type: "web" };
  await core.createNamespacedReplicationController({
    namespace: "default",
    body: {
      metadata: { name: "shop-v1-web" },
      spec: {
        replicas: 2,
        selector: labels,
        template: {
          metadata: { labels },
          spec: {
            terminationGracePeriodSeconds: 2,
            containers: [
              { name: "web", image, command: ["sh", "-c", httpServer], readinessProbe: { tcpSocket: { port: 5000 }, periodSeconds: 1 } },
            ],
          },
        },
      },
    },
  });
  await eventually(
    async () => {
      const rc = await core.readNamespacedReplicationController({ name: "shop-v1-web", namespace: "default" });
      return rc.status?.readyReplicas === 2 ? rc : undefined;
    },
    "two ready replicas",
    30_000,
  );
  const pods = await core.listNamespacedPod({ namespace: "default", labelSelector: "app=shop" });
  const uids = pods.items.map((p) => p.metadata!.uid!);
  for (const uid of uids) t.is((await containersOfPod(docker, uid)).length, 1);
  await core.replaceNamespacedReplicationControllerScale({
    name: "shop-v1-web",
    namespace: "default",
    body: { metadata: { name: "shop-v1-web" }, spec: { replicas: 0 } },
  });
  await eventually(
    async () => ((await core.listNamespacedPod({ namespace: "default", labelSelector: "app=shop" })).items.length === 0 ? true : undefined),
    "no pods",
    20_000,
  );
  for (const uid of uids) t.deepEqual(await containersOfPod(docker, uid), []);
});

test("gives a container that ignores SIGTERM its grace period before killing it", async (t) => {
  const { core, image } = await dockerSim(t);
  const script = "trap '' TERM; echo stubborn; while true; do sleep 0.1; done";
  await createPod(core, "stubborn", { name: "stubborn", image, command: ["sh", "-c", script] }, { terminationGracePeriodSeconds: 2 });
  await eventually(
    async () => ((await pod(core, "stubborn")).status?.containerStatuses?.[0]?.state?.running ? true : undefined),
    "running",
    20_000,
  );
  const started = Date.now();
  await core.deleteNamespacedPod({ name: "stubborn", namespace: "default" });
  await eventually(() => gone(() => pod(core, "stubborn")), "the pod to go", 15_000);
  const took = Date.now() - started;
  t.true(took >= 1800, `deleted after ${took} ms, before the 2 s grace period`);
  t.true(took < 8000, `deleted after ${took} ms`);
});

test("pulls a pod's image from a registry when the engine does not have it", async (t) => {
  const { core, docker, image } = await dockerSim(t);
  const remote = await pushedImage(docker, image, testRegistry());
  t.teardown(() =>
    docker
      .getImage(remote)
      .remove()
      .catch(() => {}),
  );
  await createPod(core, "pulled", { name: "pulled", image: remote, command: ["sh", "-c", "echo pulled; sleep 1000"] });
  await eventually(
    async () => ((await pod(core, "pulled")).status?.containerStatuses?.[0]?.state?.running ? true : undefined),
    "running",
    30_000,
  );
  t.truthy(await docker.getImage(remote).inspect());
  const events = await core.listNamespacedEvent({ namespace: "default", fieldSelector: "involvedObject.name=pulled,reason=Pulling" });
  t.is(events.items[0]!.message, `Pulling image "${remote}"`);
});
