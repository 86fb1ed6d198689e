/**
 * Build benchmark: `git push` of a small Node.js app through the builder, end to end (push → image
 * ready → release recorded), against the same `docker build` run by hand on the same tree, in the
 * same run and on the same engine. Each round edits the code first, so both rebuild the app layer
 * and reuse the dependency layer, as a developer's pushes do.
 *
 *   scripts/with-services node bench/build/run.ts [rounds]
 *
 * Goal: the builder adds under 10% or 1 s, whichever is larger.
 */
import { execFile, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { detect } from "../../packages/builder/src/buildpacks/detect.ts";
import { git, makeRepo, push } from "../../packages/builder/test/helpers/git-client.ts";
import { ensureStackImage, STACK_IMAGE, startWorld } from "../../packages/builder/test/helpers/world.ts";

const run = promisify(execFile);
const rounds = Number(process.argv[2] ?? 5);
const dockerHost = process.env.BERTH_TEST_DOCKER_HOST;
if (dockerHost === undefined) {
  process.stderr.write("BERTH_TEST_DOCKER_HOST is not set — run this through scripts/with-services\n");
  process.exit(1);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
// A per-run id keeps the engine's cache from earlier runs out of the measurement.
const runId = Math.random().toString(36).slice(2);
const server = (n: number) =>
  `const ms = require("ms");\nrequire("node:http").createServer((q, s) => s.end("${runId} round ${n}: " + ms("1h"))).listen(process.env.PORT);\n`;

function time(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("close", (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`${command} failed: ${stderr}`))));
  });
}

process.stderr.write(`making sure ${STACK_IMAGE} exists (scripts/stack-image)…\n`);
await ensureStackImage(dockerHost);
const world = await startWorld();
const manualDir = await mkdtemp(join(tmpdir(), "berth-bench-manual-"));
try {
  await world.api.apps.create("bench");
  const pkg = { name: "bench", version: "1.0.0", private: true, scripts: { start: "node server.js" }, dependencies: { ms: "2.1.3" } };
  const dir = await makeRepo({ "package.json": JSON.stringify(pkg, null, 2), "server.js": server(0) }, world.home);
  await run("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], { cwd: dir });
  await git(dir, ["add", "-A"], world.home);
  await git(dir, ["commit", "-q", "-m", "lockfile"], world.home);

  // Warm-up: the first push installs the dependencies; both sides reuse that layer from here on.
  const first = await push(dir, world.remote("bench"), world.home);
  if (first.code !== 0) throw new Error(`the warm-up push failed:\n${first.stderr}`);

  const entries = new Set((await git(dir, ["ls-tree", "--name-only", "HEAD"], world.home)).stdout.split("\n").filter(Boolean));
  const plan = await detect({ entries, read: (p) => readFile(join(dir, p), "utf8").catch(() => undefined) }, { image: STACK_IMAGE, nodeVersion: undefined });
  const dockerEnv = { ...process.env, DOCKER_HOST: dockerHost };

  const exportTree = async () => {
    await rm(manualDir, { recursive: true, force: true });
    await mkdir(manualDir, { recursive: true });
    await run("sh", ["-c", `git -C '${dir}' ls-files -z | (cd '${dir}' && xargs -0 tar -c) | tar -x -C '${manualDir}'`]);
    for (const file of plan.files) {
      await mkdir(dirname(join(manualDir, file.path)), { recursive: true });
      await writeFile(join(manualDir, file.path), file.content);
    }
  };
  const buildByHand = (tag: string) =>
    time("docker", ["build", "-q", "--network", "host", "-f", join(manualDir, plan.dockerfile), "-t", tag, manualDir], dockerEnv);
  // The same warm-up by hand: its dependency layer comes from this tree's files, as the builder's did.
  await exportTree();
  await buildByHand("bench-manual:0");

  const pushes: number[] = [];
  const inBuilder: number[] = [];
  const manual: number[] = [];
  for (let n = 1; n <= rounds; n++) {
    await writeFile(join(dir, "server.js"), server(n * 2 - 1));
    await git(dir, ["commit", "-qam", `round ${n}`], world.home);
    const started = performance.now();
    const pushed = await push(dir, world.remote("bench"), world.home);
    if (pushed.code !== 0) throw new Error(`push ${n} failed:\n${pushed.stderr}`);
    pushes.push(performance.now() - started);
    const complete = /Build complete in ([\d.]+) s/.exec(pushed.stderr);
    if (complete !== null) inBuilder.push(Number(complete[1]) * 1000);

    // The same tree (with the next edit, so the engine cannot reuse the pushed layer) built by hand.
    await writeFile(join(dir, "server.js"), server(n * 2));
    await exportTree();
    manual.push(await buildByHand(`bench-manual:${n}`));
  }
  const p = median(pushes);
  const m = median(manual);
  const overhead = p - m;
  const budget = Math.max(0.1 * m, 1000);
  const fmt = (x: number) => `${(x / 1000).toFixed(2)} s`;
  process.stdout.write(
    `build bench: small Node.js app (ms dependency, lockfile), code edit per round, ${rounds} rounds, medians\n` +
      `  git push → image → release   ${fmt(p)}   (${pushes.map(fmt).join(", ")})\n` +
      `    of which detect + git archive + docker build in the builder: ${fmt(median(inBuilder))}\n` +
      `  docker build by hand          ${fmt(m)}   (${manual.map(fmt).join(", ")})\n` +
      `  (load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores)\n` +
      `  ratio ${(p / m).toFixed(2)}×, overhead ${fmt(overhead)} (budget ${fmt(budget)}: ${overhead <= budget ? "within" : "OVER"})\n`,
  );
} finally {
  await rm(manualDir, { recursive: true, force: true });
  await world.close();
}
