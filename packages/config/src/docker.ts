import { ConfigError } from "./error.ts";

/** dockerode's constructor options for one engine: its Unix socket, or a host and port over HTTP(S). */
export type DockerOptions = { socketPath: string } | { host: string; port: number; protocol: "http" | "https" };

/** What `DOCKER_HOST` may be, for error messages. */
export const dockerHostAllowed =
  "unix:///path/to/docker.sock, tcp://host[:port] or http(s)://host[:port] (port 2375, or 2376 for https, when left out)";

/** The engine the Docker CLI talks to when `DOCKER_HOST` is unset. */
export const defaultDockerSocket = "/var/run/docker.sock";

/**
 * Reads a `DOCKER_HOST` value the way the Docker CLI does: `unix:///path`; `tcp://host[:port]`
 * (plain HTTP, port 2375 when left out); `http://` and `https://` URLs (https: port 2376, Docker's
 * TLS port, when left out). Undefined for anything else (ssh://, a path, a URL with a path).
 */
export function parseDockerHost(value: string): DockerOptions | undefined {
  const unix = /^unix:\/\/(\/.+)$/.exec(value);
  if (unix?.[1] !== undefined) return { socketPath: unix[1] };
  const tcp = /^(tcp|http|https):\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+)(?::(\d{1,5}))?\/?$/.exec(value);
  if (tcp === null || tcp[1] === undefined || tcp[2] === undefined) return undefined;
  const protocol = tcp[1] === "https" ? "https" : "http";
  const port = tcp[3] === undefined ? (protocol === "https" ? 2376 : 2375) : Number(tcp[3]);
  if (port < 1 || port > 65535) return undefined;
  // Node's http wants an IPv6 literal without its brackets.
  return { host: tcp[2].replace(/^\[(.*)\]$/, "$1"), port, protocol };
}

/**
 * dockerode's options for `DOCKER_HOST` (the default socket when unset or empty). Pure: the one
 * client is made where dockerode lives, the docker scheduler and the builder.
 */
export function dockerOptions(dockerHost: string | undefined): DockerOptions {
  if (dockerHost === undefined || dockerHost === "") return { socketPath: defaultDockerSocket };
  const options = parseDockerHost(dockerHost);
  if (options === undefined) {
    throw new ConfigError([
      {
        variable: "DOCKER_HOST",
        value: dockerHost,
        allowed: dockerHostAllowed,
      },
    ]);
  }
  return options;
}
