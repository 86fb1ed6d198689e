import type Docker from "dockerode";

export interface EnsuredImage {
  id: string;
  pulled: boolean;
}

/**
 * The image is present locally, pulling it first when the pull policy asks (IfNotPresent, Always,
 * Never); `onPull` runs just before a pull starts.
 */
export async function ensureImage(docker: Docker, image: string, policy: string, onPull: () => void): Promise<EnsuredImage> {
  const local = await docker
    .getImage(image)
    .inspect()
    .catch(() => undefined);
  if (local && policy !== "Always") return { id: local.Id, pulled: false };
  if (policy === "Never") throw new Error(`Container image "${image}" is not present with pull policy of Never`);
  onPull();
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = error ?? output.find((o) => o.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
      else resolve();
    });
  });
  return { id: (await docker.getImage(image).inspect()).Id, pulled: true };
}
