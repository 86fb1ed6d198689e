import { readFileSync } from "node:fs";
import { join } from "node:path";
import test from "ava";
import { chartValuesFile, chartValuesTable, renderSettingsBlocks, settingsDocuments, settingsTable, settingsTables } from "../src/index.ts";

const root = join(import.meta.dirname, "../../..");

for (const file of settingsDocuments) {
  test(`${file}'s settings tables are the generated ones (pnpm settings --write updates them)`, (t) => {
    const text = readFileSync(join(root, file), "utf8");
    t.true(/<!-- settings:[a-z]+ -->/.test(text), "the file has at least one generated table");
    t.is(text, renderSettingsBlocks(text, readFileSync(join(root, chartValuesFile), "utf8")));
  });
}

test("every table README.md holds is there, and each is generated once", (t) => {
  const names = settingsDocuments.flatMap((file) =>
    [...readFileSync(join(root, file), "utf8").matchAll(/<!-- settings:([a-z]+) -->/g)].map((m) => m[1]),
  );
  t.deepEqual(names.toSorted(), ["builder", "chart", "cli", "kubernetes", "platform", "router"]);
});

test("a table lists each variable once with its default and meaning", (t) => {
  const table = settingsTable("builder");
  t.regex(table, /^\| variable \| default \| meaning \|\n\| --- \| --- \| --- \|\n/);
  t.regex(table, /\| `BERTH_BUILDER_PORT` \| `8081` \| port a stand-alone builder listens on \|/);
  t.regex(table, /\| `BERTH_BUILDER_KEY` \| — \(required\) \|/);
  for (const rows of Object.values(settingsTables)) {
    const envs = rows.map((s) => s.env);
    t.is(new Set(envs).size, envs.length);
  }
});

test("rendering replaces only what is between the markers, and refuses an unknown table", (t) => {
  const out = renderSettingsBlocks("intro\n\n<!-- settings:router -->\nold\n<!-- /settings -->\n\nafter\n");
  t.true(out.startsWith("intro\n\n<!-- settings:router -->\n| variable |"));
  t.true(out.endsWith("\n<!-- /settings -->\n\nafter\n"));
  t.false(out.includes("old"));
  t.throws(() => renderSettingsBlocks("<!-- settings:nope -->\n<!-- /settings -->"), {
    message: /names no settings table — use one of platform/,
  });
});

test("every service agrees on the controller's URL: the controller's own default port", (t) => {
  const controllerPort = settingsTables.controller.find((s) => s.env === "BERTH_PORT")?.shown;
  const urls = [...settingsTables.builder, ...settingsTables.router].filter((s) => s.env === "BERTH_CONTROLLER_URL").map((s) => s.shown);
  t.deepEqual(urls, ["`http://127.0.0.1:8080`", "`http://127.0.0.1:8080`"]);
  t.is(controllerPort, "`8080`");
});

test("the chart's values table has each documented key by its dotted path, with its default", (t) => {
  const table = chartValuesTable(
    '# -- top\nimage:\n  # -- where\n  registry: ""\n  nested:\n    # -- deep | piped\n    port: 5555\nplain: 1\n',
  );
  t.is(
    table,
    [
      "| value | default | meaning |",
      "| --- | --- | --- |",
      "| `image` | — | top |",
      '| `image.registry` | `""` | where |',
      "| `image.nested.port` | `5555` | deep \\| piped |",
    ].join("\n"),
  );
  const real = chartValuesTable(readFileSync(join(root, chartValuesFile), "utf8"));
  for (const key of ["platform.domain", "router.service.type", "database.url", "builder.dockerHost", "registry.proxyPort"])
    t.true(real.includes(`| \`${key}\` |`), key);
});
