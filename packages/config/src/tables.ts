import { chartValuesTable } from "./chart-values.ts";
import type { Setting } from "./setting.ts";
import { buildLimitSettings, builderSettings } from "./settings/builder.ts";
import { cliSettings } from "./settings/cli.ts";
import { controllerCoreSettings, controllerSettings, kubernetesSettings } from "./settings/controller.ts";
import { platformOwnSettings } from "./settings/platform.ts";
import { accessLogSettings, routerSettings } from "./settings/router.ts";

// biome-ignore lint/suspicious/noExplicitAny: settings of any value type
type AnySetting = Setting<any>;

/** Each variable once, in the order given. */
function rows(...groups: Record<string, AnySetting>[]): AnySetting[] {
  const seen = new Set<string>();
  return groups.flatMap((g) => Object.values(g)).filter((s) => !seen.has(s.env) && seen.add(s.env));
}

/**
 * The settings tables, from the declarations the services read: one per service, the cluster
 * settings on their own (the controller and the platform read them), and the `berth` command's.
 */
export const settingsTables = {
  platform: rows(controllerCoreSettings, platformOwnSettings, buildLimitSettings, accessLogSettings),
  kubernetes: rows(kubernetesSettings),
  controller: rows(controllerSettings),
  builder: rows(builderSettings),
  router: rows(routerSettings),
  cli: rows(cliSettings),
} as const;

export type TableName = keyof typeof settingsTables;

export const tableTitles: Record<TableName, string> = {
  platform: "the platform (`pnpm start`): controller, builder and router in one process",
  kubernetes: "where apps run (controller and platform)",
  controller: "a stand-alone controller (`node packages/controller/src/main.ts`)",
  builder: "a stand-alone builder (`node packages/builder/src/main.ts`)",
  router: "a stand-alone router (`node packages/router/src/main.ts`)",
  cli: "the `berth` command (`packages/cli`)",
};

/** A markdown table: variable | default | meaning. */
export function settingsTable(name: TableName): string {
  const lines = ["| variable | default | meaning |", "| --- | --- | --- |"];
  for (const s of settingsTables[name]) lines.push(`| \`${s.env}\` | ${s.shown} | ${s.meaning} |`);
  return lines.join("\n");
}

const block = /<!-- settings:([a-z]+) -->\n[\s\S]*?<!-- \/settings -->/g;

/**
 * `markdown` with every `<!-- settings:NAME -->` … `<!-- /settings -->` block holding the current
 * table NAME (`chart`: the Helm chart's values, from `chartValues`, the text of its values.yaml); the
 * prose around the blocks is left as it is.
 */
export function renderSettingsBlocks(markdown: string, chartValues?: string): string {
  return markdown.replace(block, (_, name: string) => {
    if (name === "chart") {
      if (chartValues === undefined) throw new Error("<!-- settings:chart --> needs the text of charts/berth/values.yaml");
      return `<!-- settings:chart -->\n${chartValuesTable(chartValues)}\n<!-- /settings -->`;
    }
    if (!(name in settingsTables)) {
      throw new Error(`<!-- settings:${name} --> names no settings table — use one of ${Object.keys(settingsTables).join(", ")}`);
    }
    return `<!-- settings:${name} -->\n${settingsTable(name as TableName)}\n<!-- /settings -->`;
  });
}

/** The Helm chart's values file (from the repository root), documented in README.md's `chart` table. */
export const chartValuesFile = "charts/berth/values.yaml";

/** The markdown files (from the repository root) that hold generated settings tables. */
export const settingsDocuments = ["README.md", "packages/router/README.md"] as const;
