import type Docker from "dockerode";

/** The image is present locally, pulling it first when the pull policy asks (IfNotPresent, Always, Never). */
export async function ensureImage(docker: Docker, image: string, policy: string): Promise<string> {
  const local = await docker
    .getImage(image)
    .inspect()
    .catch(() => undefined);
  if (local && policy !== "Always") return local.Id;
  if (policy === "Never") throw new Error(`Container image "${image}" is not present with pull policy of Never`);
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
      const failed = error ?? output.find((o) => o.error);
      if (failed) reject(failed instanceof Error ? failed : new Error(failed.error));
      else resolve();
    });
  });
  return (await docker.getImage(image).inspect()).Id;
}
