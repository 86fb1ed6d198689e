import { setTimeout as sleep } from "node:timers/promises";
import type { ControllerClient, Release } from "@berth/api";
import type { BuildOutput } from "./output.ts";

/**
 * Follows the rollout a build started until the release is deployed or failed, saying so on the
 * push's output. A client that leaves stops the waiting, not the rollout.
 */
export async function waitForRollout(
  controller: Pick<ControllerClient, "hooks">,
  app: string,
  release: Release,
  out: BuildOutput,
  signal: AbortSignal,
  pollMs = 300,
): Promise<Release> {
  let current = release;
  if (current.state === "pending") out.step(`deploying v${current.version}`);
  while (current.state === "pending" && !signal.aborted) {
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    current = await controller.hooks.release(app, current.version);
  }
  return current;
}
