import { type Procfile, processTypeProblem } from "@berth/api";
import { BuildError } from "../errors.ts";

/**
 * Parses a Procfile: `type: command` per line; blank lines and `#` comments are allowed. Every bad
 * line is reported at once, with its number.
 */
export function parseProcfile(text: string): Procfile {
  const procfile: Procfile = Object.create(null);
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `line ${index + 1}`;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      problems.push(`${where}: "${line.slice(0, 60)}" is not "type: command"`);
      return;
    }
    const type = line.slice(0, colon).trim();
    const command = line.slice(colon + 1).trim();
    const problem = processTypeProblem(type);
    if (problem !== undefined) {
      problems.push(`${where}: ${problem} (lowercase letters and digits joined by dashes, at most 63)`);
    } else if (command === "") {
      problems.push(`${where}: process type "${type}" has no command`);
    } else if (command.length > 4096) {
      problems.push(`${where}: the command of "${type}" is longer than 4096 characters`);
    } else if (Object.hasOwn(procfile, type)) {
      problems.push(`${where}: process type "${type}" is defined twice`);
    } else {
      procfile[type] = command;
    }
  });
  if (problems.length > 0) {
    throw new BuildError("INVALID_PROCFILE", `the Procfile is invalid:\n${problems.map((p) => `  ${p}`).join("\n")}`, {
      hint: "write one `type: command` per line, e.g. `web: node server.js`, then commit and push again",
    });
  }
  return procfile;
}
