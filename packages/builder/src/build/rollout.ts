import { type ControllerClient, describeProgress, type Release } from "@berth/api";
import type { BuildOutput } from "./output.ts";

/**
 * Follows the rollout a build started until the release is deployed or failed, saying so on the
 * push's output; the controller answers each time the release changes, so nothing is polled. A
 * client that leaves stops the waiting, not the rollout: the release is then returned as last seen.
 */
export async function waitForRollout(
  controller: Pick<ControllerClient, "hooks">,
  app: string,
  release: Release,
  out: BuildOutput,
  signal: AbortSignal,
): Promise<Release> {
  if (release.state !== "pending") return release;
  out.step(`deploying v${release.version}`);
  let current = release;
  let said = "";
  try {
    return await controller.hooks.releaseSettled(app, release.version, {
      signal,
      onProgress: (status) => {
        current = status.release;
        // A line per change of the rollout's progress, so a long rollout or the post-deploy watch is not a silent wait.
        const words = status.progress === null ? "" : describeProgress(status.progress);
        if (words !== "" && words !== said) out.line(`v${release.version}: ${words}`);
        said = words;
      },
    });
  } catch (error) {
    if (signal.aborted) return current;
    throw error;
  }
}
