import { createServer, type Socket, connect } from "node:net";
import type { AddressInfo } from "node:net";
import { ControllerClient, type ReleaseStatus } from "@berth/api";
import type { ExecutionContext } from "ava";
import { silentLogger } from "../src/logger.ts";
import { RolloutDeployer } from "../src/rollout/rollout-deployer.ts";
import { setReleaseState } from "../src/store/releases.ts";
import { updateRollout } from "../src/store/rollouts.ts";
import { eachBackend } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";
import { FakeScheduler } from "./helpers/fake-scheduler.ts";
import { held, heldDeployer } from "./helpers/held-deployer.ts";

/** A TCP proxy to `target` that cuts the first `drop` connections as soon as they open, as a restarting controller would. */
async function droppingProxy(t: ExecutionContext, target: string, drop: number): Promise<{ url: string; connections: () => number }> {
  const { hostname, port } = new URL(target);
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (connections <= drop) return void socket.destroy();
    const upstream = connect(Number(port), hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

/** A fake engine that stops before each scale of `release` until the test lets it go on. */
class SteppedScheduler extends FakeScheduler {
  readonly #release: number;
  #step: (() => void) | undefined;
  #paused: (() => void) | undefined;

  constructor(release: number) {
    super();
    this.#release = release;
  }

  override async scaleGroup(...args: Parameters<FakeScheduler["scaleGroup"]>): Promise<void> {
    if (args[0].release === this.#release) {
      await new Promise<void>((resolve) => {
        this.#step = resolve;
        this.#paused?.();
      });
    }
    return super.scaleGroup(...args);
  }

  /** Resolves once the rollout waits before a scale. */
  paused(): Promise<void> {
    if (this.#step !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.#paused = resolve;
    });
  }

  /** Lets the waiting scale go on. */
  step(): void {
    const step = this.#step;
    this.#step = undefined;
    this.#paused = undefined;
    step?.();
  }
}

eachBackend("settled long-polls through a real rollout and is told of its batches on the way", async (t, backend) => {
  const scheduler = new SteppedScheduler(3);
  let told = 0;
  const h = await startController(t, backend, {
    deployer: (store, _routes, releases) => {
      const onReleaseChanged = (app: string) => {
        told += 1;
        releases.changed(app);
      };
      const deployer = new RolloutDeployer(
        { store, scheduler, logger: silentLogger, onReleaseChanged },
        { pollMs: 2, timeoutMs: 5000, batchSize: 1 },
      );
      t.teardown(() => deployer.close());
      return deployer;
    },
  });
  const alice = await h.user("alice");
  await alice.apps.create("web");
  await alice.builds.create("web", { image: "web:1", procfile: { web: "serve" } });
  t.is((await alice.releases.settled("web", 2)).state, "deployed");
  await alice.scale.set("web", { web: 2 });
  await alice.builds.create("web", { image: "web:2", procfile: { web: "serve" } });
  const seen: string[] = [];
  let firstBatchReady: (() => void) | undefined;
  const firstBatch = new Promise<void>((resolve) => {
    firstBatchReady = resolve;
  });
  const settled = alice.releases.settled("web", 3, {
    onProgress: ({ release, progress }) => {
      const line = progress === null ? release.state : `${progress.type} ${progress.ready}/${progress.want} (${progress.starting})`;
      seen.push(line);
      if (line === "web 1/2 (1)") firstBatchReady?.();
    },
  });
  await scheduler.paused();
  const before = told;
  scheduler.step();
  // Paused before the second batch: the first one's progress is the last written, and is answered.
  await firstBatch;
  await scheduler.paused();
  t.is(told - before, 2, "the deployer told of the first batch starting and of it being ready");
  scheduler.step();
  t.like(await settled, { version: 3, state: "deployed" });
  t.true(seen.includes("web 1/2 (1)"), seen.join(", "));
  t.is(seen.at(-1), "deployed");
});

eachBackend("settled reports the first status and each change, and returns the settled release", async (t, backend) => {
  const h = await startController(t, backend, { deployer: heldDeployer() });
  const alice = await h.user("alice");
  await alice.apps.create("web");
  await alice.config.set("web", { values: { A: "1" } });
  const seen: ReleaseStatus[] = [];
  const settled = alice.releases.settled("web", 2, { onProgress: (status) => seen.push(status) });
  await held(h.releases, "web");
  await updateRollout(h.store.db, "web", 2, { progress: { phase: "rolling", type: "web", ready: 0, starting: 1, want: 1 } });
  h.releases.changed("web");
  await held(h.releases, "web");
  await setReleaseState(h.store.db, "web", 2, "deployed");
  h.releases.changed("web");
  t.like(await settled, { version: 2, state: "deployed" });
  t.deepEqual(
    seen.map((s) => [s.release.state, s.progress?.starting ?? null]),
    [
      ["pending", null],
      ["pending", 1],
      ["deployed", null],
    ],
  );
});

eachBackend("a dropped connection is asked again after a pause, and the wait goes on", async (t, backend) => {
  const h = await startController(t, backend, { deployer: heldDeployer() });
  const alice = await h.user("alice");
  await alice.apps.create("web");
  await alice.config.set("web", { values: { A: "1" } });
  const proxy = await droppingProxy(t, h.url, 1);
  const token = (await alice.auth.regenerateToken()).token;
  const through = new ControllerClient({ url: proxy.url, token });
  const settled = through.releases.settled("web", 2);
  await held(h.releases, "web");
  await setReleaseState(h.store.db, "web", 2, "deployed");
  h.releases.changed("web");
  t.is((await settled).state, "deployed");
  t.true(proxy.connections() >= 2);
});

eachBackend("an abort stops the wait at once, and the controller lets go of the held answer", async (t, backend) => {
  const h = await startController(t, backend, { deployer: heldDeployer() });
  const alice = await h.user("alice");
  await alice.apps.create("web");
  await alice.config.set("web", { values: { A: "1" } });
  const stop = new AbortController();
  const settled = alice.releases.settled("web", 2, { signal: stop.signal });
  await held(h.releases, "web");
  stop.abort(new Error("Ctrl-C"));
  await t.throwsAsync(settled, { message: "Ctrl-C" });
  while (h.releases.waiting("web") > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  t.is((await alice.releases.get("web", 2)).state, "pending", "the rollout is left alone");
});
