import { BuildError } from "../errors.ts";
import { parseProcfile } from "../build/procfile.ts";
import { nodePlan } from "./node.ts";
import type { BuildPlan, SourceTree, Stack } from "./plan.ts";
import { procfilePlan, staticPlan } from "./static.ts";

/**
 * Picks how to build a commit: its own Dockerfile first, then the first buildpack that detects it
 * (Node.js, static site, Procfile-only).
 */
export async function detect(tree: SourceTree, stack: Stack): Promise<BuildPlan> {
  const procfileText = tree.entries.has("Procfile") ? await tree.read("Procfile") : undefined;
  const procfile = procfileText === undefined ? {} : parseProcfile(procfileText);
  if (tree.entries.has("Dockerfile") && (await tree.read("Dockerfile")) !== undefined) {
    return {
      kind: "dockerfile",
      pack: "Dockerfile",
      dockerfile: "Dockerfile",
      files: [],
      procfile,
      notes: Object.keys(procfile).length > 0 ? [`process types from the Procfile: ${Object.keys(procfile).join(", ")}`] : [],
      warnings: [],
    };
  }
  if (tree.entries.has("package.json")) return nodePlan(tree, stack, procfile);
  if (tree.entries.has("index.html")) return staticPlan(tree, stack, procfile, ".");
  if (tree.entries.has("public") && (await tree.read("public/index.html")) !== undefined) return staticPlan(tree, stack, procfile, "public");
  if (Object.keys(procfile).length > 0) return procfilePlan(stack, procfile);
  throw new BuildError("NOTHING_TO_BUILD", "found nothing to build: no Dockerfile, package.json, index.html, public/index.html or Procfile at the root", {
    hint: "add a Dockerfile, a package.json (Node.js), an index.html (static site) or a Procfile, commit, and push again",
  });
}
