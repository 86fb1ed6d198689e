import Docker from "dockerode";
import { BerthError } from "../../errors.ts";

/** A dockerode client for `DOCKER_HOST` (`unix:///path` or `tcp://host:port`); the default socket when absent. */
export function dockerClient(dockerHost: string | undefined): Docker {
  if (dockerHost === undefined || dockerHost === "") return new Docker({ socketPath: "/var/run/docker.sock" });
  if (dockerHost.startsWith("unix://")) return new Docker({ socketPath: dockerHost.slice("unix://".length) });
  const match = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(dockerHost);
  if (match?.[1] && match[2]) return new Docker({ host: match[1], port: Number(match[2]), protocol: "http" });
  throw new BerthError("BAD_REQUEST", `DOCKER_HOST=${dockerHost} is not a Docker endpoint`, {
    hint: "use unix:///var/run/docker.sock or tcp://host:2375",
  });
}

/** `bridge` when the engine has its default bridge network, else `host` (dockerd --bridge=none). */
export async function detectNetwork(docker: Pick<Docker, "listNetworks">): Promise<"bridge" | "host"> {
  const networks = await docker.listNetworks({ filters: JSON.stringify({ name: ["bridge"] }) });
  return networks.some((n) => n.Name === "bridge") ? "bridge" : "host";
}
