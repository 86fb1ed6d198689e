/**
 * Push-to-live benchmark: `git push` of a small Node.js app to a running platform until the new
 * release answers through the router, against the same thing done by hand on the same engine in the
 * same run — `docker build` of the same tree with the Dockerfile the Node.js buildpack generates,
 * `docker run --network host -e PORT=…`, and GETs until it answers. Each round edits the code, so
 * both sides rebuild the app layer and reuse the dependency layer, as a developer's pushes do.
 *
 *   scripts/with-services node bench/push/run.ts [rounds]      (default 3)
 *
 * Loopback only; the platform, its app, the containers and images the bench made and its temp
 * directories are removed at the end (the stack image stays: it is the engine's cache).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { detect } from "../../packages/builder/src/buildpacks/detect.ts";
import { dockerCli, removeContainers, removeImages } from "../shared/docker.ts";
import { commitFiles, exportTree, gitPush, rootEntries, writeLockfile } from "../shared/git.ts";
import { freePort, waitForBody } from "../shared/http.ts";
import { ensureStackImage, STACK_IMAGE, startBenchPlatform } from "../shared/platform.ts";

const rounds = Number(process.argv[2] ?? 3);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) {
  process.stderr.write(`rounds must be a whole number from 1 to 50 (got ${process.argv[2]})\n`);
  process.exit(2);
}
const dockerHost = process.env.BERTH_TEST_DOCKER_HOST;
if (dockerHost === undefined || dockerHost === "") {
  process.stderr.write("BERTH_TEST_DOCKER_HOST is not set: run this through scripts/with-services (it starts a Docker engine)\n");
  process.exit(1);
}

const APP = "pushbench";
const HAND_REPO = "berth-bench-push-hand";
const HAND_LABEL = "berth.bench=push";
// A per-run id keeps answers (and the engine's layer cache) of earlier runs out of the measurement.
const runId = Math.random().toString(36).slice(2, 8);
const marker = (side: string, n: number) => `${runId} ${side} ${n}`;
const server = (text: string) =>
  `const ms = require("ms");\nrequire("node:http").createServer((q, s) => s.end("${text}: " + ms("1h") + "\\n")).listen(process.env.PORT);\n`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const say = (line: string) => process.stderr.write(`${line}\n`);

const docker = dockerCli(dockerHost);
say(`making sure ${STACK_IMAGE} exists (scripts/stack-image)…`);
await ensureStackImage(dockerHost, STACK_IMAGE);
const tmp = await mkdtemp(join(tmpdir(), "bpb-w-"));
const tree = join(tmp, "app");
const context = join(tmp, "hand");
say("starting the platform…");
const world = await startBenchPlatform(dockerHost, STACK_IMAGE);
let user: typeof world.client | undefined;
try {
  const port = world.platform.port;
  const registered = await world.client.auth.register({ username: "bench", password: "bench-password" });
  user = world.client.withToken(registered.token ?? "");
  await user.apps.create(APP);
  const remote = `http://bench:${registered.token}@127.0.0.1:${port}/${APP}.git`;
  const host = `${APP}.localhost`;

  const pkg = { name: APP, version: "1.0.0", private: true, scripts: { start: "node server.js" }, dependencies: { ms: "2.1.3" } };
  await commitFiles(tree, { "package.json": JSON.stringify(pkg, null, 2), "server.js": server(marker("push", 0)) }, "first");
  await writeLockfile(tree);
  await commitFiles(tree, {}, "lockfile");

  // The Dockerfile the Node.js buildpack generates for this tree, so the hand side builds the same steps.
  const entries = await rootEntries(tree);
  const plan = await detect(
    { entries, read: (p) => readFile(join(tree, p), "utf8").catch(() => undefined) },
    { image: STACK_IMAGE, nodeVersion: undefined },
  );
  const prepareContext = async () => {
    await rm(context, { recursive: true, force: true });
    await exportTree(tree, context);
    for (const file of plan.files) {
      await mkdir(dirname(join(context, file.path)), { recursive: true });
      await writeFile(join(context, file.path), file.content);
    }
  };

  /** docker build + docker run + GET until it answers `expected`; the container is removed after. */
  const byHand = async (n: number, expected: string): Promise<number> => {
    await prepareContext();
    const appPort = await freePort();
    const tag = `${HAND_REPO}:${runId}-${n}`;
    const started = performance.now();
    await docker.exec(["build", "-q", "--network", "host", "-f", join(context, plan.dockerfile), "-t", tag, context]);
    const id = (await docker.exec(["run", "-d", "--network", "host", "--label", HAND_LABEL, "-e", `PORT=${appPort}`, tag])).trim();
    try {
      await waitForBody(appPort, "localhost", expected);
      return performance.now() - started;
    } finally {
      await docker.exec(["rm", "--force", id]);
    }
  };

  // Warm-up, both sides: the first push installs the dependencies and the first release starts;
  // from here on both reuse the dependency layer.
  say("warm-up: first push (installs dependencies)…");
  await gitPush(tree, remote);
  await waitForBody(port, host, marker("push", 0));
  say("warm-up: first build by hand…");
  await byHand(0, marker("push", 0));

  const pushes: number[] = [];
  const hands: number[] = [];
  const pushReturns: number[] = [];
  const builds: number[] = [];
  for (let n = 1; n <= rounds; n++) {
    await commitFiles(tree, { "server.js": server(marker("push", n)) }, `push ${n}`);
    // GETs run alongside the push: the first answer of the new code is "live", whether or not git
    // has returned yet (the push also waits for the old release to drain).
    const started = performance.now();
    const stopPolling = new AbortController();
    const live = waitForBody(port, host, marker("push", n), stopPolling.signal).then(() => performance.now() - started);
    live.catch(() => undefined);
    const output = await gitPush(tree, remote).catch((error: unknown) => {
      stopPolling.abort();
      throw error;
    });
    const returned = performance.now() - started;
    pushes.push(await live);
    pushReturns.push(returned);
    const complete = output.find((l) => l.text.includes("Build complete in"));
    if (complete !== undefined) builds.push(complete.at);

    // A different edit for the hand side, so the engine cannot reuse the layer the push just built.
    await commitFiles(tree, { "server.js": server(marker("hand", n)) }, `hand ${n}`);
    hands.push(await byHand(n, marker("hand", n)));
    say(
      `round ${n}/${rounds}: push → live ${fmt(pushes.at(-1) ?? 0)} (git push returned after ${fmt(pushReturns.at(-1) ?? 0)}), by hand ${fmt(hands.at(-1) ?? 0)}`,
    );
  }

  const p = median(pushes);
  const h = median(hands);
  process.stdout.write(
    `push-to-live bench: small Node.js app (ms dependency, lockfile), code edit per round, ${rounds} rounds, medians\n` +
      `  git push → new code answers through the router   ${fmt(p)}   (${pushes.map(fmt).join(", ")})\n` +
      `    of which push + build, until "Build complete"    ${builds.length > 0 ? fmt(median(builds)) : "not reported"}   (${builds.map(fmt).join(", ")})\n` +
      `    git push returned (after the old release drained) ${fmt(median(pushReturns))}   (${pushReturns.map(fmt).join(", ")})\n` +
      `  docker build + docker run + GET by hand          ${fmt(h)}   (${hands.map(fmt).join(", ")})\n` +
      `  (load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)\n` +
      `  ratio ${(p / h).toFixed(2)}× (Berth / by hand), overhead ${fmt(p - h)}\n`,
  );
} finally {
  say("cleaning up…");
  await user?.apps.destroy(APP).catch((e: unknown) => say(`could not destroy ${APP}: ${String(e)}`));
  await world.close();
  await removeContainers(docker, HAND_LABEL).catch((e: unknown) => say(String(e)));
  await removeContainers(docker, `berth.app=${APP}`).catch((e: unknown) => say(String(e)));
  await removeImages(docker, HAND_REPO).catch((e: unknown) => say(String(e)));
  await removeImages(docker, APP).catch((e: unknown) => say(String(e)));
  await rm(tmp, { recursive: true, force: true });
}
