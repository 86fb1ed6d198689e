import type { Procfile } from "@berth/api";
import semver from "semver";
import { BuildError } from "../errors.ts";
import { type BuildPlan, GENERATED_DOCKERFILE, type SourceTree, type Stack, cmdLine } from "./plan.ts";

interface PackageJson {
  scripts?: Record<string, unknown>;
  engines?: { node?: unknown };
  packageManager?: unknown;
  main?: unknown;
}

function parsePackageJson(text: string): PackageJson {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as PackageJson;
  } catch {}
  throw new BuildError("BUILD_FAILED", "package.json is not a JSON object", { hint: "fix package.json (npm pkg get name checks it), then push again" });
}

/** The pnpm major that reads a lockfile version, when package.json does not name one. */
function pnpmForLockfile(text: string | undefined): string {
  const version = /^lockfileVersion:\s*'?(\d+)/m.exec(text ?? "")?.[1];
  if (version === "5") return "7";
  if (version === "6") return "8";
  return "10";
}

/** The tool the lockfile names, with the command that installs exactly what it locks. */
async function installer(tree: SourceTree, pkg: PackageJson): Promise<{ tool: "npm" | "pnpm" | "yarn"; files: string[]; install: string }> {
  const manager = typeof pkg.packageManager === "string" ? /^(pnpm|yarn)@(\d[\w.+-]*)/.exec(pkg.packageManager) : null;
  const version = (tool: string, fallback: string) => (manager?.[1] === tool ? manager[2] : fallback);
  const extra = [".npmrc"].filter((f) => tree.entries.has(f));
  if (tree.entries.has("pnpm-lock.yaml")) {
    const pnpm = version("pnpm", pnpmForLockfile(await tree.read("pnpm-lock.yaml")));
    return {
      tool: "pnpm",
      files: ["pnpm-lock.yaml", ...extra],
      install: `npm install --global --no-audit pnpm@${pnpm} && pnpm install --frozen-lockfile`,
    };
  }
  if (tree.entries.has("yarn.lock")) {
    return {
      tool: "yarn",
      files: ["yarn.lock", ...extra],
      install: `npm install --global --no-audit yarn@${version("yarn", "1")} && yarn install --frozen-lockfile`,
    };
  }
  for (const lock of ["package-lock.json", "npm-shrinkwrap.json"]) {
    if (tree.entries.has(lock)) return { tool: "npm", files: [lock, ...extra], install: "npm ci --no-audit" };
  }
  return { tool: "npm", files: extra, install: "npm install --no-audit" };
}

/** Node.js apps (package.json): install with the lockfile's tool, build if asked, `web` is `npm start`. */
export async function nodePlan(tree: SourceTree, stack: Stack, procfile: Procfile): Promise<BuildPlan> {
  const pkg = parsePackageJson((await tree.read("package.json")) ?? "{}");
  const notes: string[] = [];
  const warnings: string[] = [];
  const range = pkg.engines?.node;
  const stackNode = stack.nodeVersion;
  if (typeof range === "string" && stackNode !== undefined) {
    if (semver.validRange(range) === null) warnings.push(`engines.node "${range}" is not a version range; using the stack's Node.js ${stackNode}`);
    else if (!semver.satisfies(stackNode, range)) {
      warnings.push(`engines.node "${range}" asks for a Node.js the stack does not have; building with the stack's Node.js ${stackNode}`);
    } else notes.push(`Node.js ${stackNode} (engines.node "${range}")`);
  } else if (stackNode !== undefined) notes.push(`Node.js ${stackNode}`);

  const { tool, files, install } = await installer(tree, pkg);
  notes.push(`installing dependencies with ${install.split(" && ").at(-1)}`);
  const scripts = pkg.scripts ?? {};
  const run = tool === "npm" ? "npm run" : `${tool} run`;
  const build = typeof scripts.build === "string" ? `RUN ${run} build\n` : "";
  let web = procfile.web;
  if (web === undefined) {
    if (typeof scripts.start === "string") web = "npm start";
    else if (tree.entries.has("server.js")) web = "node server.js";
    else if (typeof pkg.main === "string") web = `node ${pkg.main}`;
    else warnings.push('no "start" script, server.js or "main" in package.json and no Procfile: there is no web process');
  }
  const dockerfile =
    `FROM ${stack.image}\n` +
    "WORKDIR /app\n" +
    // Dependencies first, so a code change reuses the installed layer.
    `COPY ${["package.json", ...files].join(" ")} ./\n` +
    `RUN ${install}\n` +
    "COPY . .\n" +
    build +
    "ENV NODE_ENV=production PORT=5000\n" +
    cmdLine(web);
  return {
    kind: "buildpack",
    pack: "Node.js",
    dockerfile: GENERATED_DOCKERFILE,
    files: [{ path: GENERATED_DOCKERFILE, content: dockerfile }],
    procfile: web === undefined ? procfile : { web, ...procfile },
    notes,
    warnings,
  };
}
