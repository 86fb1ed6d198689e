import { readFile } from "node:fs/promises";
import type { Procfile } from "@berth/api";
import { type BuildPlan, GENERATED_DIR, GENERATED_DOCKERFILE, type SourceTree, type Stack, cmdLine } from "./plan.ts";

let serverSource: Promise<string> | undefined;

/** Static sites (index.html at the root or in public/): a small Node server on $PORT serves them. */
export async function staticPlan(tree: SourceTree, stack: Stack, procfile: Procfile, root: "." | "public"): Promise<BuildPlan> {
  serverSource ??= readFile(new URL("../../assets/static-server.mjs", import.meta.url), "utf8");
  const server = `${GENERATED_DIR}/static-server.mjs`;
  const web = procfile.web ?? "exec node /usr/local/lib/berth/static-server.mjs";
  const dockerfile =
    `FROM ${stack.image}\n` +
    "WORKDIR /app\n" +
    `COPY ${server} /usr/local/lib/berth/static-server.mjs\n` +
    "COPY . .\n" +
    `RUN rm -rf ${GENERATED_DIR}\n` +
    `ENV PORT=5000 BERTH_STATIC_ROOT=${root === "." ? "/app" : "/app/public"}\n` +
    cmdLine(web);
  return {
    kind: "buildpack",
    pack: "static site",
    dockerfile: GENERATED_DOCKERFILE,
    files: [
      { path: GENERATED_DOCKERFILE, content: dockerfile },
      { path: server, content: await serverSource },
    ],
    procfile: { web, ...procfile },
    notes: [`serving ${root === "." ? "the repository root" : "public/"}${tree.entries.has("Procfile") ? "" : " on $PORT"}`],
    warnings: [],
  };
}

/** Procfile-only apps: the tree on the stack image, running the Procfile's commands. */
export function procfilePlan(stack: Stack, procfile: Procfile): BuildPlan {
  const dockerfile = `FROM ${stack.image}\nWORKDIR /app\nCOPY . .\nRUN rm -rf ${GENERATED_DIR}\nENV PORT=5000\n${cmdLine(procfile.web)}`;
  return {
    kind: "buildpack",
    pack: "Procfile",
    dockerfile: GENERATED_DOCKERFILE,
    files: [{ path: GENERATED_DOCKERFILE, content: dockerfile }],
    procfile,
    notes: [`process types: ${Object.keys(procfile).join(", ")}`],
    warnings: procfile.web === undefined ? ["the Procfile has no web process: the app gets no HTTP traffic"] : [],
  };
}
