import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import test from "ava";
import type { Command, CommandSummary } from "../src/command.ts";
import { registry } from "../src/registry.ts";
import { binPath, tempHome } from "./helpers/berth.ts";

const commandsDir = new URL("../src/commands/", import.meta.url);
const recorder = fileURLToPath(new URL("./helpers/record-imports.ts", import.meta.url));
const helpFields = ({ name, group, aliases, summary, usage, hidden }: CommandSummary) => ({ name, group, aliases, summary, usage, hidden });

/** The command modules (files of `commands/`) that running `berth <argv>` in a fresh process loads. */
async function commandModulesLoaded(argv: string[]): Promise<{ code: number; modules: string[] }> {
  const home = await tempHome();
  const log = join(home, "imports.log");
  const code = await promisify(execFile)(process.execPath, ["--no-warnings", "--import", recorder, binPath, ...argv], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, BERTH_IMPORT_LOG: log },
  }).then(
    () => 0,
    (error: { code?: number }) => error.code ?? -1,
  );
  const urls = (await readFile(log, "utf8")).split("\n");
  // An empty list must not pass for "loaded nothing": the log has to show berth starting.
  if (!urls.some((url) => url.endsWith("/src/dispatch.ts"))) throw new Error("the import log does not show berth starting");
  return {
    code,
    modules: [...new Set(urls.filter((url) => url.startsWith(commandsDir.href)).map((url) => url.slice(commandsDir.href.length)))].sort(),
  };
}

test("no two commands share a name or an alias", (t) => {
  const names = registry.flatMap((entry) => [entry.name, ...(entry.aliases ?? [])]);
  t.deepEqual(
    names.filter((name, i) => names.indexOf(name) !== i),
    [],
  );
  t.true(names.length > 40);
});

test("the registry lists every command each module defines, with the same name, aliases and help line", async (t) => {
  const modules = new Map<string, Command[]>();
  for (const file of (await readdir(commandsDir)).filter((f) => f.endsWith(".ts"))) {
    const module = (await import(new URL(file, commandsDir).href)) as { commands?: Command[] };
    if (module.commands !== undefined) modules.set(file, module.commands);
  }
  const defined = [...modules.values()].flat().map(helpFields);
  const listed = await Promise.all(
    registry.map(async (entry) => {
      t.true([...modules.values()].includes((await entry.load()).commands), `${entry.name} loads a module of commands/`);
      return helpFields(entry);
    }),
  );
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  t.deepEqual(listed.sort(byName), defined.sort(byName));
});

test("berth help and berth --version load no command module but help's own", async (t) => {
  t.deepEqual(await commandModulesLoaded(["help"]), { code: 0, modules: ["help.ts"] });
  t.deepEqual(await commandModulesLoaded([]), { code: 0, modules: [] });
  t.deepEqual(await commandModulesLoaded(["--version"]), { code: 0, modules: [] });
});

test("running a command, or its help, loads its own module and no other command's", async (t) => {
  t.deepEqual(await commandModulesLoaded(["config:set", "--help"]), { code: 0, modules: ["config-change.ts", "config.ts", "dotenv.ts"] });
  t.deepEqual(await commandModulesLoaded(["help", "rollback"]), { code: 0, modules: ["help.ts", "releases.ts"] });
  // Not logged in: the command runs and fails, having loaded its module only.
  t.deepEqual(await commandModulesLoaded(["maintenance:on", "-a", "x"]), { code: 1, modules: ["settings-change.ts", "settings.ts"] });
  t.deepEqual((await commandModulesLoaded(["frobnicate"])).modules, []);
});
