import test from "ava";
import { detect } from "../src/buildpacks/detect.ts";
import type { SourceTree } from "../src/buildpacks/plan.ts";
import { BuildError } from "../src/index.ts";

const stack = { image: "berth/stack:24", nodeVersion: "24.3.0" };

function tree(files: Record<string, string>): SourceTree {
  const entries = new Set(Object.keys(files).map((f) => f.split("/")[0] ?? f));
  return { entries, read: async (path) => files[path] };
}

const pkg = (extra: object = {}) => JSON.stringify({ name: "x", scripts: { start: "node ." }, ...extra });

test("a Dockerfile wins over every buildpack and keeps the Procfile's types", async (t) => {
  const plan = await detect(tree({ Dockerfile: "FROM x", "package.json": pkg(), Procfile: "worker: run" }), stack);
  t.is(plan.kind, "dockerfile");
  t.is(plan.dockerfile, "Dockerfile");
  t.deepEqual(plan.procfile, { worker: "run" });
  t.deepEqual(plan.files, []);
});

for (const [lock, command] of [
  ["package-lock.json", "RUN npm ci --no-audit"],
  ["npm-shrinkwrap.json", "RUN npm ci --no-audit"],
  ["pnpm-lock.yaml", "pnpm install --frozen-lockfile"],
  ["yarn.lock", "yarn install --frozen-lockfile"],
] as const) {
  test(`a Node.js app with ${lock} installs with its tool, copying the lockfile before the code`, async (t) => {
    const plan = await detect(tree({ "package.json": pkg(), [lock]: "" }), stack);
    const dockerfile = plan.files[0]?.content ?? "";
    t.true(dockerfile.includes(command), dockerfile);
    t.true(dockerfile.indexOf(`COPY package.json ${lock} ./`) < dockerfile.indexOf("COPY . ."), dockerfile);
  });
}

test("the packageManager field picks the pnpm version", async (t) => {
  const plan = await detect(tree({ "package.json": pkg({ packageManager: "pnpm@9.15.0" }), "pnpm-lock.yaml": "" }), stack);
  t.true(plan.files[0]?.content.includes("pnpm@9.15.0"));
});

test("without packageManager the pnpm version follows the lockfile's format", async (t) => {
  const plan = await detect(tree({ "package.json": pkg(), "pnpm-lock.yaml": "lockfileVersion: '6.0'\n" }), stack);
  t.true(plan.files[0]?.content.includes("pnpm@8 "));
  const current = await detect(tree({ "package.json": pkg(), "pnpm-lock.yaml": "lockfileVersion: '9.0'\n" }), stack);
  t.true(current.files[0]?.content.includes("pnpm@10 "));
});

test("a build script runs after the code is copied; web defaults to npm start", async (t) => {
  const plan = await detect(tree({ "package.json": pkg({ scripts: { start: "node .", build: "tsc" } }) }), stack);
  const dockerfile = plan.files[0]?.content ?? "";
  t.true(dockerfile.indexOf("RUN npm run build") > dockerfile.indexOf("COPY . ."));
  t.deepEqual(plan.procfile, { web: "npm start" });
  t.true(dockerfile.includes('CMD ["/bin/sh","-c","npm start"]'));
});

test("a Node.js app with no start script, server.js or main warns that there is no web process", async (t) => {
  const plan = await detect(tree({ "package.json": JSON.stringify({ name: "x" }) }), stack);
  t.deepEqual(plan.procfile, {});
  t.regex(plan.warnings.join("\n"), /no "start" script/);
});

test("an engines.node range that is not a range is a warning", async (t) => {
  const plan = await detect(tree({ "package.json": pkg({ engines: { node: "banana" } }) }), stack);
  t.regex(plan.warnings.join("\n"), /engines.node "banana" is not a version range/);
});

test("a package.json that is not JSON fails the build with a hint", async (t) => {
  const error = await t.throwsAsync(detect(tree({ "package.json": "{oops" }), stack), { instanceOf: BuildError });
  t.regex(error?.message ?? "", /package.json is not a JSON object/);
});

test("a static site at the root is served from /app", async (t) => {
  const plan = await detect(tree({ "index.html": "<p>" }), stack);
  t.is(plan.pack, "static site");
  t.true(plan.files[0]?.content.includes("BERTH_STATIC_ROOT=/app\n"));
  t.true(plan.files.some((f) => f.path.endsWith("static-server.mjs") && f.content.includes("createServer")));
});
