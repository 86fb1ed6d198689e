/**
 * The documentation of charts/berth/values.yaml as a markdown table, read from the file itself: each
 * key a `# -- meaning` comment describes (helm-docs' convention), with its dotted path and default,
 * so that README.md's table cannot drift from the chart.
 */
export function chartValuesTable(valuesYaml: string): string {
  const rows: string[] = ["| value | default | meaning |", "| --- | --- | --- |"];
  const path: { indent: number; key: string }[] = [];
  let meaning: string | undefined;
  for (const line of valuesYaml.split("\n")) {
    const comment = /^\s*# -- (.*)$/.exec(line);
    if (comment) {
      meaning = comment[1];
      continue;
    }
    const entry = /^(\s*)([A-Za-z][A-Za-z0-9]*):\s*(.*?)\s*$/.exec(line);
    if (!entry) continue;
    const indent = entry[1]?.length ?? 0;
    const key = entry[2] ?? "";
    const value = entry[3] ?? "";
    while (path.length > 0 && (path.at(-1)?.indent ?? 0) >= indent) path.pop();
    path.push({ indent, key });
    if (meaning !== undefined) {
      const shown = value === "" ? "—" : `\`${value}\``;
      rows.push(`| \`${path.map((p) => p.key).join(".")}\` | ${shown} | ${meaning.replaceAll("|", "\\|")} |`);
      meaning = undefined;
    }
  }
  return rows.join("\n");
}
