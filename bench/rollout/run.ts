/**
 * Rollout benchmark: clients hammer an app through the router — N on keep-alive connections, N
 * opening a new connection per request — while K config changes each roll out a new release, and
 * after each rollout the same clients run on for as long again with nothing changing: that quiet
 * period is the reference. Prints per window the requests, the failed ones (count and ratio, with the
 * first reasons) and the rate, the time from the change until the new release answered and until it
 * settled, the rollouts' rate against the quiet rate, and the verdict. Goal: 0 failed.
 *
 *   scripts/with-services node bench/rollout/run.ts [--rounds K] [--clients N] [--network bridge|host] …
 *
 * The app is a plain Node `http.createServer` app that ignores SIGTERM (`--on-sigterm exit`: one that
 * exits at once), on the engine's bridge network unless `--network host`. The platform, the app, its
 * containers and images and the temp directories are removed at the end, also on Ctrl-C or failure
 * (images a Ctrl-C kept from being removed, as it stops the engine too, go at the next run's start).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ControllerClient } from "../../packages/api/src/index.ts";
import { nodeApp } from "../../packages/platform/test/helpers/apps.ts";
import { type Load, type LoadOutcome, startLoad } from "../../packages/platform/test/helpers/load.ts";
import { dockerCli, removeContainers, removeImages } from "../shared/docker.ts";
import { commitFiles, gitPush } from "../shared/git.ts";
import { waitForBody } from "../shared/http.ts";
import { type BenchPlatform, ensureStackImage, STACK_IMAGE, startBenchPlatform } from "../shared/platform.ts";
import { parseOptions, type RolloutBenchOptions, UsageError, usage } from "./options.ts";
import { header, type Round, seconds, summary, timeline } from "./report.ts";
import { Window } from "./windows.ts";

const say = (line: string) => process.stderr.write(`${line}\n`);

let options: RolloutBenchOptions | undefined;
try {
  options = parseOptions(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n${usage}`);
  process.exit(2);
}
if (options === undefined) {
  process.stdout.write(usage);
  process.exit(0);
}
const dockerHost = process.env.BERTH_TEST_DOCKER_HOST;
if (dockerHost === undefined || dockerHost === "") {
  say("BERTH_TEST_DOCKER_HOST is not set: run this through scripts/with-services (it starts a Docker engine with its own bridge)");
  process.exit(1);
}

// Ctrl-C (and the TERM scripts/with-services passes on) stops the run where it is; the clean-up below still runs.
const interrupt = new AbortController();
const { signal } = interrupt;
for (const name of ["SIGINT", "SIGTERM"] as const) {
  process.on(name, () => {
    if (!signal.aborted) say(`${name}: stopping and cleaning up…`);
    interrupt.abort(new Error(`interrupted by ${name}`));
  });
}

const APP = "rolloutbench";
const host = `${APP}.localhost`;
const runId = Math.random().toString(36).slice(2, 8);
const docker = dockerCli(dockerHost);

/** Waits until release `version` is no longer pending; returns how it ended. */
async function settled(client: ControllerClient, version: number): Promise<string> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const release = await client.releases.get(APP, version).catch(() => undefined);
    if (release !== undefined && release.state !== "pending") {
      return release.state === "deployed" ? "deployed" : `${release.state} (${release.failure ?? "no reason given"})`;
    }
    if (Date.now() > deadline) throw new Error(`v${version} is still pending after 10 minutes — see the app's log (berth logs)`);
    await sleep(100, undefined, { signal });
  }
}

/** Waits until the app runs `count` ready web instances, all of one release. */
async function scaledTo(client: ControllerClient, count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const pods = (await client.pods.list(APP)).results.filter((p) => p.type === "web");
    if (pods.length === count && pods.every((p) => p.ready && p.release === pods[0]?.release)) return;
    if (Date.now() > deadline) throw new Error(`${APP} did not get ${count} ready web instances within 5 minutes`);
    await sleep(100, undefined, { signal });
  }
}

/** Where the app's containers listen: network mode, address and port (proof of the bridge). */
async function instanceAddresses(): Promise<string> {
  const ids = (await docker.exec(["ps", "-q", "--filter", `label=berth.app=${APP}`])).split("\n").filter(Boolean);
  if (ids.length === 0) return "none";
  const inspected = JSON.parse(await docker.exec(["inspect", ...ids])) as {
    Config: { Env: string[] | null };
    HostConfig: { NetworkMode: string };
    NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
  }[];
  return inspected
    .map((c) => {
      const port = c.Config.Env?.find((e) => e.startsWith("PORT="))?.slice(5) ?? "?";
      const mode = c.HostConfig.NetworkMode;
      const ip = mode === "host" ? "127.0.0.1" : (Object.values(c.NetworkSettings.Networks)[0]?.IPAddress ?? "?");
      return `${mode} at ${ip}:${port}`;
    })
    .join(", ");
}

/**
 * The app's log since `since` (wall clock), in ms after it: the platform's events (`berth[deploy]`)
 * and what the instances printed (the app logs its start, and SIGTERM when it ignores one).
 */
async function logSince(client: ControllerClient, since: number): Promise<Round["events"]> {
  const entries = await client.logs.get(APP, { lines: 1000 });
  return entries
    .filter((e) => Date.parse(e.time) >= since - 5)
    .map((e) => ({ atMs: Date.parse(e.time) - since, line: `${e.source === "berth" ? "berth" : APP}[${e.tag}]: ${e.line}` }))
    .sort((a, b) => a.atMs - b.atMs);
}

/** The app's owner: signed up on the platform, with its token. */
interface Owner {
  client: ControllerClient;
  token: string;
}

async function bench(world: BenchPlatform, owner: Owner, tree: string, opts: RolloutBenchOptions): Promise<Round[]> {
  const port = world.platform.port;
  const user = owner.client;
  say(`pushing the app (${opts.onSigterm === "ignore" ? "ignores" : "exits at once on"} SIGTERM)…`);
  // No Procfile: the buildpack's default `web: npm start`, the app under npm under a shell, as most
  // Node apps run; a stop's SIGTERM reaches it there (processCommand's supervisor signals the group).
  await commitFiles(tree, nodeApp({ onSigterm: opts.onSigterm }), "the app");
  await gitPush(tree, `http://bench:${owner.token}@127.0.0.1:${port}/${APP}.git`, signal);
  await waitForBody(port, host, "hello from v", signal);
  if (opts.watch !== undefined) {
    await user.config.set(APP, { values: { BERTH_DEPLOY_WATCH: String(opts.watch) } });
    const version = (await user.releases.list(APP, { limit: 1 })).results[0]?.version ?? 0;
    say(`BERTH_DEPLOY_WATCH=${opts.watch}: v${version} ${await settled(user, version)}`);
  }
  say(`scaling to ${opts.instances} web instance(s)…`);
  await user.scale.set(APP, { web: opts.instances });
  await scaledTo(user, opts.instances);
  process.stdout.write(header(opts, await instanceAddresses()));

  const rounds: Round[] = [];
  // Replaced by the first rollout's window before any request can end (nothing is awaited in between).
  let current = new Window("start");
  const load: Load = startLoad(port, host, { keepAlive: opts.clients, fresh: opts.clients, slow: opts.slow }, 3_600_000, (o: LoadOutcome) =>
    current.record(o),
  );
  let stopped = false;
  try {
    for (let n = 1; n <= opts.rounds; n++) {
      signal.throwIfAborted();
      const greeting = `r${n}-${runId}`;
      const rollout = new Window(`rollout ${n}`, `${greeting} from `);
      current = rollout;
      await user.config.set(APP, { values: { GREETING: greeting } });
      const version = (await user.releases.list(APP, { limit: 1 })).results[0]?.version ?? 0;
      say(`round ${n}/${opts.rounds}: config:set GREETING=${greeting} → v${version}, rolling out…`);
      const outcome = await settled(user, version);
      rollout.close();
      const quiet = new Window(`quiet ${n}`);
      current = quiet;
      const round: Round = { rollout, quiet, version, outcome, events: await logSince(user, rollout.openedAt) };
      rounds.push(round);
      say(
        `round ${n}/${opts.rounds}: v${version} served after ${seconds(rollout.servedAfterMs)}, ${outcome} after ${seconds(rollout.durationMs)}; ` +
          `${rollout.requests} requests, ${rollout.failures.length} failed; quiet for ${seconds(rollout.durationMs)}…`,
      );
      say(timeline(round).join("\n"));
      await sleep(rollout.durationMs, undefined, { signal });
      // The last quiet period ends once the clients have stopped, so it counts their last requests too.
      if (n === opts.rounds) {
        stopped = true;
        await load.stop();
      }
      quiet.close();
      if (quiet.failures.length > 0) say(`quiet ${n}: ${quiet.failures.length} failed — ${quiet.failures[0]?.reason}`);
    }
  } finally {
    if (!stopped) await load.stop();
  }
  return rounds;
}

say(`making sure ${STACK_IMAGE} exists (scripts/stack-image)…`);
let status = 1;
try {
  await ensureStackImage(dockerHost, STACK_IMAGE, signal);
  // A Ctrl-C stops the engine too (it is in the same process group), so an interrupted run may have
  // left the app's images in the engine's image cache, which outlives runs.
  await removeImages(docker, APP);
  const tmp = await mkdtemp(join(tmpdir(), "brb-"));
  try {
    say(`starting the platform (apps on the ${options.network} network)…`);
    const world = await startBenchPlatform(dockerHost, STACK_IMAGE, options.network);
    let owner: Owner | undefined;
    try {
      const { token } = await world.client.auth.register({ username: "bench", password: "bench-password" });
      owner = { client: world.client.withToken(token ?? ""), token: token ?? "" };
      await owner.client.apps.create(APP);
      const rounds = await bench(world, owner, join(tmp, "app"), options);
      const { text, met } = summary(rounds);
      process.stdout.write(text);
      status = met ? 0 : 1;
    } finally {
      say("cleaning up…");
      await owner?.client.apps.destroy(APP).catch((e: unknown) => say(`could not destroy ${APP}: ${String(e)}`));
      await world.close();
    }
  } finally {
    await removeContainers(docker, `berth.app=${APP}`).catch((e: unknown) => say(String(e)));
    await removeImages(docker, APP).catch((e: unknown) => say(String(e)));
    await rm(tmp, { recursive: true, force: true });
  }
} catch (error) {
  if (signal.aborted) {
    say(String(signal.reason));
    status = 130;
  } else {
    say(`rollout bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}
process.exit(status);
