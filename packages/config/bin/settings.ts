#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chartValuesFile, renderSettingsBlocks, settingsDocuments, settingsTable, settingsTables, type TableName, tableTitles } from "../src/index.ts";

/**
 * Prints every settings table (or those named) as markdown; `--write` puts the current tables into
 * README.md's `<!-- settings:NAME -->` blocks instead.
 */
const args = process.argv.slice(2);
const root = join(import.meta.dirname, "../../..");
if (args.includes("--write")) {
  for (const file of settingsDocuments) {
    const path = join(root, file);
    const before = readFileSync(path, "utf8");
    const after = renderSettingsBlocks(before, readFileSync(join(root, chartValuesFile), "utf8"));
    if (after !== before) writeFileSync(path, after);
    process.stdout.write(`${file}: ${after === before ? "up to date" : "rewritten"}\n`);
  }
} else {
  const names = args.length === 0 ? (Object.keys(settingsTables) as TableName[]) : args;
  const unknown = names.find((name) => !(name in settingsTables));
  if (unknown !== undefined) {
    process.stderr.write(`settings: no table "${unknown}" — use one of ${Object.keys(settingsTables).join(", ")}, or --write\n`);
    process.exit(2);
  }
  const tables = names.map((name) => `## Settings of ${tableTitles[name as TableName]}\n\n${settingsTable(name as TableName)}\n`);
  process.stdout.write(`${tables.join("\n")}`);
}
