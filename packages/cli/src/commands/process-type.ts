import type { ControllerClient } from "@berth/api";
import type { OptionSpecs } from "../command.ts";
import { CliError } from "../errors.ts";

export const typeOption = {
  type: { type: "string", short: "t", description: "the process type (default web)", placeholder: "type" },
} as const satisfies OptionSpecs;

/**
 * The process type a per-type setting is for. Once the app has a build, the type must be one of the
 * build's (as for scale); before the first deploy any type may be prepared.
 */
export async function processType(client: ControllerClient, app: string, flag: string | undefined): Promise<string> {
  const type = flag ?? "web";
  const build = (await client.builds.list(app, { limit: 1 })).results[0];
  if (build === undefined) return type;
  const types = Object.keys(build.procfile).length > 0 ? Object.keys(build.procfile) : ["web"];
  if (!types.includes(type)) {
    throw new CliError(`process type "${type}" is not in the current build of ${app}`, `the build's types are: ${types.join(", ")}`);
  }
  return type;
}
