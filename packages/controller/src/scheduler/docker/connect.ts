import { dockerOptions } from "@berth/config";
import Docker from "dockerode";

/** The dockerode client for a `DOCKER_HOST` value (see `dockerOptions`); the default socket when absent. */
export function dockerClient(dockerHost: string | undefined): Docker {
  return new Docker(dockerOptions(dockerHost));
}

/** `bridge` when the engine has its default bridge network, else `host` (dockerd --bridge=none). */
export async function detectNetwork(docker: Pick<Docker, "listNetworks">): Promise<"bridge" | "host"> {
  const networks = await docker.listNetworks({ filters: JSON.stringify({ name: ["bridge"] }) });
  return networks.some((n) => n.Name === "bridge") ? "bridge" : "host";
}
