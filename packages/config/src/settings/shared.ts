import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { defaultDockerSocket } from "../docker.ts";
import { accessLog, dockerHost, httpUrl, megabytes, oneOf, path, text } from "../kinds.ts";
import { optional, setting } from "../setting.ts";

/** Settings more than one service reads: declared once, so their defaults cannot drift apart. */

export const dataDir = setting({
  env: "BERTH_DATA_DIR",
  kind: path(),
  default: (env) => resolve(join(env.HOME || homedir(), ".berth", "data")),
  shown: "`~/.berth/data`",
  meaning: "data: the SQLite database, git repositories, the router's route cache (`router/routes.json`)",
});

export const domain = setting({
  env: "BERTH_DOMAIN",
  kind: text(),
  default: "localhost",
  meaning: "platform domain: apps answer at `<app>.<domain>`, the API and git at `berth.<domain>`",
});

export const logLevel = setting({
  env: "BERTH_LOG_LEVEL",
  kind: oneOf(["debug", "info", "warn", "error"] as const),
  default: "info",
  meaning: "`debug`, `info`, `warn` or `error`; JSON lines on stdout",
});

export const dockerEngine = optional({
  env: "DOCKER_HOST",
  kind: dockerHost(),
  shown: `\`unix://${defaultDockerSocket}\``,
  meaning:
    "Docker engine: `unix:///path`, `tcp://host[:port]` or `http(s)://host[:port]`, as the Docker CLI reads it (port 2375, 2376 for https)",
});

export const controllerUrl = setting({
  env: "BERTH_CONTROLLER_URL",
  kind: httpUrl(),
  default: "http://127.0.0.1:8080",
  meaning: "the controller's URL (its `BERTH_PORT`): the builder calls its hooks there, the router follows its route table (`/v2/routes`)",
});

export const stackImage = setting({
  env: "BERTH_STACK_IMAGE",
  kind: text(),
  default: "berth/stack:24",
  meaning: "base image of buildpack builds (`scripts/stack-image` makes it offline)",
});

export const registry = optional({
  env: "BERTH_REGISTRY",
  kind: text(),
  meaning: "`host:port` to push images to (cluster mode); images stay in the local engine when unset",
});

export const routerAccessLog = setting({
  env: "BERTH_ROUTER_ACCESS_LOG",
  kind: accessLog(),
  default: "errors",
  meaning:
    "router access log: `errors` (5xx answers and requests cut by an error, on stdout), `on` (every request, stdout), `off`, or an absolute file path (every request, JSON lines)",
});

export const routerAccessLogMaxMb = setting({
  env: "BERTH_ROUTER_ACCESS_LOG_MAX_MB",
  kind: megabytes(),
  default: 100,
  meaning: "with a file: size at which it is renamed to `<file>.1` (the one before is replaced) and started anew",
});
