import Docker from "dockerode";

/** A dockerode client for a DOCKER_HOST value (`unix:///path`, `tcp://host:port`) or the default socket. */
export function dockerFromHost(host: string | undefined): Docker {
  if (host === undefined) return new Docker();
  const url = new URL(host);
  if (url.protocol === "unix:") return new Docker({ socketPath: url.pathname });
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === "https:" ? "https" : "http" });
}
