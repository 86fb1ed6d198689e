import type { Config, ConfigChange, ControllerClient } from "@berth/api";
import type { Context } from "../context.ts";
import { withHint } from "../errors.ts";

/**
 * Applies a config change (values, limits or healthchecks: each is a release), shows the new config
 * with `show`, then follows the release's rollout unless `noWait`. `hint` is for the controller's
 * validation errors, which say what is wrong but not what the command expects.
 */
export async function changeConfig(
  ctx: Context,
  client: ControllerClient,
  app: string,
  change: ConfigChange,
  noWait: boolean | undefined,
  show: (config: Config) => void,
  hint?: string,
): Promise<void> {
  const config = await client.config.set(app, change).catch(hint === undefined ? undefined : withHint(hint));
  const latest = (await client.releases.list(app, { limit: 1 })).results[0];
  show(config);
  if (latest !== undefined) await ctx.watch(client, app, latest.version, noWait);
}
