import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ControllerSettings,
  createController,
  type Deployer,
  openStore,
  ReleaseHub,
  silentLogger,
  type Store,
} from "@berth/controller";

export interface TestController {
  url: string;
  store: Store;
  /** The Host header of every request, in order. */
  hosts: string[];
  close(): Promise<void>;
}

export interface TestControllerOptions {
  /** Built over the controller's store; tells `releases` when it changes a release, as the real deployer does. */
  deployer?: (store: Store, releases: ReleaseHub) => Deployer;
  registrationMode?: "open" | "admin_only" | "disabled";
  /** How alerts are evaluated and sent; the controller's default (public receivers only) when absent. */
  alerts?: ControllerSettings["alerts"];
}

/** A real controller (koa app over a temp SQLite store) listening on 127.0.0.1 at a free port. */
export async function startController(options: TestControllerOptions = {}): Promise<TestController> {
  const dataDir = await mkdtemp(join(tmpdir(), "berth-cli-controller-"));
  const store = await openStore({ dataDir });
  const releaseHub = new ReleaseHub();
  const { app } = createController({
    store,
    logger: silentLogger,
    settings: {
      registrationMode: options.registrationMode ?? "open",
      builderKey: "test-builder-key",
      appUrlTemplate: "http://{app}.localhost:8080",
      ...(options.alerts ? { alerts: options.alerts } : {}),
    },
    releaseHub,
    ...(options.deployer ? { deployer: options.deployer(store, releaseHub) } : {}),
  });
  const hosts: string[] = [];
  const handle = app.callback();
  const server = createServer((req, res) => {
    hosts.push(req.headers.host ?? "");
    return handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    hosts,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
