import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { ControllerClient } from "@berth/api";
import { type Store, createController, openStore, silentLogger } from "@berth/controller";
import type Docker from "dockerode";
import { type Builder, type BuilderDeps, createBuilder, dockerFromHost } from "../../src/index.ts";
import { requireEnv } from "./env.ts";

export const STACK_IMAGE = process.env.BERTH_STACK_IMAGE || "berth/stack:24";
const root = new URL("../../../../", import.meta.url).pathname;

/** Makes the stack image in the test engine once (scripts/stack-image skips it when it exists). */
export async function ensureStackImage(dockerHost: string): Promise<void> {
  await promisify(execFile)(join(root, "scripts/stack-image"), [STACK_IMAGE], {
    env: { ...process.env, DOCKER_HOST: dockerHost },
    maxBuffer: 16 * 1024 * 1024,
  });
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

export interface World {
  docker: Docker;
  dockerHost: string;
  /** host:port of the builder's git server. */
  gitHost: string;
  dataDir: string;
  home: string;
  api: ControllerClient;
  builder: Builder;
  /** Token of the admin (first user). */
  token: string;
  /** Connections the builder's git server holds open. */
  connections(): Promise<number>;
  /** `http://user:token@host/<app>.git` */
  remote(app: string, user?: string, token?: string): string;
  close(): Promise<void>;
}

/**
 * A real controller on a temporary SQLite store and a real builder against the test Docker engine,
 * each on its own 127.0.0.1 port. The first user (`alice`) is admin.
 */
export async function startWorld(overrides: Partial<BuilderDeps> = {}): Promise<World> {
  const dockerHost = requireEnv("BERTH_TEST_DOCKER_HOST");
  const docker = dockerFromHost(dockerHost);
  const dataDir = await mkdtemp(join(tmpdir(), "berth-b-"));
  const home = await mkdtemp(join(tmpdir(), "berth-home-"));
  const builderKey = "test-builder-key";
  const store: Store = await openStore({ dataDir: join(dataDir, "controller") });
  const { app } = createController({
    store,
    logger: silentLogger,
    settings: { registrationMode: "open", builderKey, appUrlTemplate: "http://{app}.localhost:8080" },
  });
  const controllerServer = createServer(app.callback());
  const controllerUrl = `http://${await listen(controllerServer)}`;
  const builder = createBuilder({
    controller: new ControllerClient({ url: controllerUrl, builderKey }),
    docker,
    dataDir: join(dataDir, "builder"),
    stackImage: STACK_IMAGE,
    buildNetwork: "host",
    ...overrides,
  });
  const gitServer = createServer(builder.handle);
  const gitHost = await listen(gitServer);
  const anonymous = new ControllerClient({ url: controllerUrl });
  await anonymous.auth.register({ username: "alice", password: "correct-horse-battery" });
  const { token } = await anonymous.auth.login("alice", "correct-horse-battery");
  const api = anonymous.withToken(token);
  return {
    docker,
    dockerHost,
    gitHost,
    dataDir,
    home,
    api,
    builder,
    token,
    connections: () => new Promise((resolve, reject) => gitServer.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    remote: (name, user = "alice", secret = token) => `http://${user}:${secret}@${gitHost}/${name}.git`,
    async close() {
      await builder.close();
      gitServer.closeAllConnections();
      controllerServer.closeAllConnections();
      await new Promise((r) => gitServer.close(r));
      await new Promise((r) => controllerServer.close(r));
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** Runs an image once on the host network with a random PORT and returns the body of GET /. */
export async function runAndGet(docker: Docker, image: string, path = "/"): Promise<{ status: number; body: string }> {
  // A port the kernel just handed out is far less likely to be taken than a random one.
  const probe = createServer();
  const port = Number((await listen(probe)).split(":")[1]);
  await new Promise((r) => probe.close(r));
  const container = await docker.createContainer({
    Image: image,
    Env: [`PORT=${port}`],
    Labels: { "berth.test": "1" },
    HostConfig: { NetworkMode: "host", Init: true },
  });
  try {
    await container.start();
    const deadline = Date.now() + 30_000;
    let lastError: unknown;
    while (Date.now() < deadline) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        return { status: response.status, body: await response.text() };
      } catch (error) {
        lastError = error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const logs = await container.logs({ stdout: true, stderr: true });
    throw new Error(`${image} never answered on port ${port}: ${String(lastError)}\n${logs.toString()}`);
  } finally {
    await container.remove({ force: true });
  }
}
