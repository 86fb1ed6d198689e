import { readdir, readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import test from "ava";

const src = fileURLToPath(new URL("../src/", import.meta.url));

/** Modules a file imports statically (type-only imports erase to nothing). */
async function staticImports(file: string): Promise<string[]> {
  const text = await readFile(file, "utf8");
  return [...text.matchAll(/^import (?!type )[^;]*?from "([^"]+)";/gms)].map((match) => match[1] ?? "");
}

async function reachable(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() ?? "";
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of await staticImports(file)) {
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec));
      else seen.add(spec);
    }
  }
  return seen;
}

/** What start-up and every command module import, together. */
async function everything(): Promise<Set<string>> {
  const graph = await reachable(resolve(src, "bin.ts"));
  for (const file of await readdir(resolve(src, "commands"))) {
    for (const dep of await reachable(resolve(src, "commands", file))) graph.add(dep);
  }
  return graph;
}

test("ink and react load only when something interactive is shown, never at start-up", async (t) => {
  const graph = await everything();
  t.true(graph.has(resolve(src, "dispatch.ts")), "the walk follows the imports");
  t.false(graph.has("ink"));
  t.false(graph.has("react"));
  t.deepEqual(
    [...graph].filter((file) => file.includes("/ui/")),
    [],
  );
});

test("the CLI's settings come from @berth/config/cli, never from the entry point that loads every service's", async (t) => {
  const graph = await everything();
  t.true(graph.has("@berth/config/cli"));
  t.false(graph.has("@berth/config"));
});
