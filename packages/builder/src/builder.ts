import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { ControllerClient } from "@berth/api";
import { Git } from "node-git-server";
import { BuildLocks } from "./build/lock.ts";
import type { DockerClient } from "./build/docker.ts";
import { createHookServer } from "./git/hook-server.ts";
import { createGitHandler } from "./git/http.ts";
import { PendingPushes } from "./git/pushes.ts";
import { receivePush } from "./git/receive.ts";
import { createRepoStore } from "./git/repos.ts";
import { type Logger, silentLogger } from "./logger.ts";

export interface BuilderDeps {
  /** Client of the controller holding the builder key (only `hooks` is used). */
  controller: Pick<ControllerClient, "hooks">;
  docker: DockerClient;
  /** Repositories, hooks and the hook socket live here; nothing is written elsewhere. */
  dataDir: string;
  /** Image buildpacks build on (scripts/stack-image makes `berth/stack:24`). */
  stackImage: string;
  /** `host:port` of the registry to push images to (cluster mode); local images only when absent. */
  registry?: string | undefined;
  /** Network mode of build steps ("host" for engines without a bridge). */
  buildNetwork?: string | undefined;
  /** Branches whose pushes are built. Default: main and master. */
  deployBranches?: readonly string[];
  /** Largest push accepted, in bytes. Default 256 MiB. */
  maxPushBytes?: number;
  /** Builds running longer are cancelled. Default 15 minutes. */
  buildTimeoutMs?: number;
  /** A git request whose connection moves no byte for this long is ended. Default 60 s. */
  gitTimeoutMs?: number;
  logger?: Logger;
}

export interface Builder {
  /** The git smart-HTTP handler (`/<app>.git/...`), for the platform to mount. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Stops the hook socket and cancels builds in progress. */
  close(): Promise<void>;
  /** Removes a destroyed app's repository. */
  forget(app: string): Promise<void>;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** Builds the builder. Opens nothing: the hook socket starts with the first git request. */
export function createBuilder(deps: BuilderDeps): Builder {
  const logger = deps.logger ?? silentLogger;
  const maxPushBytes = deps.maxPushBytes ?? 256 * 1024 * 1024;
  const gitTimeoutMs = deps.gitTimeoutMs ?? 60_000;
  const socketPath = join(deps.dataDir, "run", "builder.sock");
  const relay = fileURLToPath(new URL("./git/hook-relay.ts", import.meta.url));
  const repos = createRepoStore({
    reposDir: join(deps.dataDir, "repos"),
    hooksDir: join(deps.dataDir, "hooks"),
    preReceive: `#!/bin/sh\n# Written by Berth's builder: hands the push to the builder, which builds it.\nexec ${quote(process.execPath)} --no-warnings ${quote(relay)} ${quote(socketPath)}\n`,
    maxPushBytes,
    requestTimeoutMs: gitTimeoutMs,
  });
  const pushes = new PendingPushes();
  const receiveDeps = {
    docker: deps.docker,
    controller: deps.controller,
    stackImage: deps.stackImage,
    registry: deps.registry,
    buildNetwork: deps.buildNetwork,
    repos,
    locks: new BuildLocks(),
    pushes,
    logger,
    deployBranches: deps.deployBranches ?? ["main", "master"],
    buildTimeoutMs: deps.buildTimeoutMs ?? 15 * 60_000,
  };
  const hooks = createHookServer(socketPath, (request, channel) => receivePush(receiveDeps, request, channel), logger);
  const git = new Git(join(deps.dataDir, "repos"), { autoCreate: false });
  const handle = createGitHandler({
    controller: deps.controller,
    git,
    repos,
    hooks,
    pushes,
    logger,
    maxPushBytes,
    timeoutMs: gitTimeoutMs,
  });
  return { handle, close: () => hooks.close(), forget: (app) => repos.remove(app) };
}
