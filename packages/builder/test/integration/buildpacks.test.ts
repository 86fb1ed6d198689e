import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import test from "ava";
import { git, makeRepo, push, remoteLines } from "../helpers/git-client.ts";
import { requireEnv } from "../helpers/env.ts";
import { ensureStackImage, runAndGet, startWorld, type World } from "../helpers/world.ts";

let world: World;
test.before(async () => {
  await ensureStackImage(requireEnv("BERTH_TEST_DOCKER_HOST"));
  world = await startWorld();
});
test.after.always(async () => {
  await world?.close();
});

async function latestBuild(app: string) {
  const builds = await world.api.builds.list(app);
  const build = builds.results[0];
  if (build === undefined) throw new Error(`${app} has no build`);
  return build;
}

test("a Node.js app is installed with npm ci from its lockfile, with a dependency from the registry, and runs npm start", async (t) => {
  await world.api.apps.create("node-app");
  const pkg = { name: "node-app", version: "1.0.0", private: true, engines: { node: ">=20" }, scripts: { start: "node server.js" }, dependencies: { ms: "2.1.3" } };
  const dir = await makeRepo(
    {
      "package.json": JSON.stringify(pkg, null, 2),
      "server.js": `const ms = require("ms");\nrequire("node:http").createServer((q, s) => s.end("two hours is " + ms("2h") + " ms")).listen(process.env.PORT);\n`,
    },
    world.home,
  );
  await promisify(execFile)("npm", ["install", "--package-lock-only", "--no-audit", "--no-fund"], { cwd: dir });
  await git(dir, ["add", "-A"], world.home);
  await git(dir, ["commit", "-q", "-m", "lockfile"], world.home);

  const run = await push(dir, world.remote("node-app"), world.home);
  t.is(run.code, 0, run.stderr);
  const lines = remoteLines(run);
  t.true(lines.some((l) => l.includes("Node.js app detected")), run.stderr);
  t.true(lines.some((l) => /Node\.js 24\.\d+\.\d+ \(engines\.node ">=20"\)/.test(l)), run.stderr);
  t.true(lines.some((l) => l.includes("installing dependencies with npm ci")), run.stderr);
  t.regex(lines.at(-1) ?? "", /released v2 — http:\/\/node-app\.localhost:8080/);
  const build = await latestBuild("node-app");
  t.is(build.kind, "buildpack");
  t.deepEqual(build.procfile, { web: "npm start" });
  t.is((await runAndGet(world.docker, build.image)).body, "two hours is 7200000 ms");
});

test("a Node.js app with a pnpm lockfile is installed by pnpm with the frozen lockfile", async (t) => {
  await world.api.apps.create("pnpm-app");
  const pkg = { name: "pnpm-app", version: "1.0.0", private: true, scripts: { start: "node server.js" }, dependencies: { ms: "2.1.3" } };
  const dir = await makeRepo(
    {
      "package.json": JSON.stringify(pkg),
      "server.js": `require("node:http").createServer((q, s) => s.end("pnpm says " + require("ms")(60000))).listen(process.env.PORT);\n`,
    },
    world.home,
  );
  await promisify(execFile)("pnpm", ["install", "--lockfile-only"], { cwd: dir });
  await git(dir, ["add", "-A"], world.home);
  await git(dir, ["commit", "-q", "-m", "lockfile"], world.home);
  const run = await push(dir, world.remote("pnpm-app"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /installing dependencies with pnpm install --frozen-lockfile/);
  t.is((await runAndGet(world.docker, (await latestBuild("pnpm-app")).image)).body, "pnpm says 1m");
});

test("an engines.node the stack cannot meet is a warning, and the stack's Node.js is used", async (t) => {
  await world.api.apps.create("old-node");
  const dir = await makeRepo(
    {
      "package.json": JSON.stringify({ name: "old-node", engines: { node: "14.x" }, scripts: { start: "node -e \"require('http').createServer((q,s)=>s.end(process.version)).listen(process.env.PORT)\"" } }),
    },
    world.home,
  );
  const run = await push(dir, world.remote("old-node"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /engines\.node "14\.x" asks for a Node\.js the stack does not have; building with the stack's Node\.js 24\./);
  t.regex((await runAndGet(world.docker, (await latestBuild("old-node")).image)).body, /^v24\./);
});

test("an npm install that fails makes the push fail and creates no release", async (t) => {
  await world.api.apps.create("bad-deps");
  const dir = await makeRepo(
    { "package.json": JSON.stringify({ name: "bad-deps", scripts: { start: "node ." }, dependencies: { "berth-no-such-package-7f3a9c": "1.0.0" } }) },
    world.home,
  );
  const run = await push(dir, world.remote("bad-deps"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /404|E404|Not Found/);
  t.regex(run.stderr, /the build failed: .*npm install --no-audit.* returned a non-zero code/);
  t.regex(run.stderr, /push rejected: no release was made/);
  t.is((await world.api.builds.list("bad-deps")).count, 0);
});

test("a static site in public/ is served on $PORT, without its dotfiles", async (t) => {
  await world.api.apps.create("site");
  const dir = await makeRepo({ "public/index.html": "<h1>static berth</h1>\n", "public/.secret": "no", "README.md": "site\n" }, world.home);
  const run = await push(dir, world.remote("site"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /static site app detected/);
  const build = await latestBuild("site");
  t.is(build.kind, "buildpack");
  t.is((await runAndGet(world.docker, build.image)).body, "<h1>static berth</h1>\n");
  t.is((await runAndGet(world.docker, build.image, "/.secret")).status, 404);
});

test("a Procfile-only app runs its web command on the stack and sends every process type", async (t) => {
  await world.api.apps.create("procs");
  const web = `node -e "require('http').createServer((q,s)=>s.end('from the procfile')).listen(process.env.PORT)"`;
  const dir = await makeRepo({ Procfile: `web: ${web}\nworker: sleep infinity\n` }, world.home);
  const run = await push(dir, world.remote("procs"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /Procfile app detected/);
  t.regex(run.stderr, /process types: web, worker/);
  const build = await latestBuild("procs");
  t.deepEqual(build.procfile, { web, worker: "sleep infinity" });
  t.is((await runAndGet(world.docker, build.image)).body, "from the procfile");
});

test("an invalid Procfile fails the push with every bad line, before any image is built", async (t) => {
  await world.api.apps.create("bad-procs");
  const dir = await makeRepo({ Procfile: "web: node server.js\nWeb Server: oops\nworker:\n", "server.js": "" }, world.home);
  const run = await push(dir, world.remote("bad-procs"), world.home);
  t.not(run.code, 0);
  t.regex(run.stderr, /the Procfile is invalid/);
  t.regex(run.stderr, /line 2: "Web Server" is not a valid process type/);
  t.regex(run.stderr, /line 3: process type "worker" has no command/);
  t.notRegex(run.stderr, /Building image/);
  t.is((await world.api.builds.list("bad-procs")).count, 0);
});

test("a second push of new code to the same app makes the next release", async (t) => {
  await world.api.apps.create("twice");
  const dir = await makeRepo({ "index.html": "one\n" }, world.home);
  t.is((await push(dir, world.remote("twice"), world.home)).code, 0);
  await writeFile(join(dir, "index.html"), "two\n");
  await git(dir, ["commit", "-qam", "two"], world.home);
  const run = await push(dir, world.remote("twice"), world.home);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stderr, /released v3/);
  t.is((await runAndGet(world.docker, (await latestBuild("twice")).image)).body, "two\n");
});
