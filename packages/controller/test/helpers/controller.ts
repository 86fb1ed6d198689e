import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ControllerClient, type RegistrationMode } from "@berth/api";
import type { ExecutionContext } from "ava";
import type { Deployer } from "../../src/deployer.ts";
import { createController } from "../../src/http/app.ts";
import type { AlertSettings } from "../../src/http/context.ts";
import { createJsonLogger } from "../../src/logger.ts";
import { RouteTableHub, type UpstreamSource } from "../../src/route-table/hub.ts";
import { RouterBoard } from "../../src/route-table/router-board.ts";
import { ReleaseHub } from "../../src/services/release-hub.ts";
import type { Store } from "../../src/store/open.ts";
import { type BackendName, freshStore } from "./backends.ts";

export const BUILDER_KEY = "test-builder-key-0123456789abcdef";
export const ROUTER_KEY = "test-router-key-0123456789abcdef";

export interface Harness {
  url: string;
  store: Store;
  /** An anonymous client. */
  client: ControllerClient;
  /** A builder's client (holds the builder key). */
  builder: ControllerClient;
  /** Every log line the controller wrote. */
  logs: string[];
  /** Every route the controller answers (`{method, path}`). */
  routes: readonly { method: string; path: string }[];
  /** What routers reported (`POST /v2/routes/status`). */
  routers: RouterBoard;
  /** Wakes the release status long-polls; the deployer tells it of changes. */
  releases: ReleaseHub;
  /** Registers a user (the first becomes admin) and returns a client logged in as them. */
  user(username: string, password?: string): Promise<ControllerClient>;
}

export interface HarnessOptions {
  registrationMode?: RegistrationMode;
  /** Where router status reports go; the harness's own board when absent. */
  routers?: RouterBoard;
  routeHeartbeatMs?: number;
  maxTokensPerUser?: number;
  /** How alerts are evaluated and delivered (channels may point at loopback only when this says so). */
  alerts?: AlertSettings;
  /** A deployer, or one built over the harness's store (with the route hub to tell of changes). */
  deployer?: Deployer | ((store: Store, routeHub: RouteTableHub, releases: ReleaseHub) => Deployer & Partial<UpstreamSource>);
}

/**
 * A real controller on a fresh store, served over HTTP on 127.0.0.1, torn down with the test.
 * Users after the first are registered by the first (admin), as in the default admin_only mode.
 */
export async function startController(t: ExecutionContext, backend: BackendName, options: HarnessOptions = {}): Promise<Harness> {
  const opened = await freshStore(backend);
  const logs: string[] = [];
  const logger = createJsonLogger((line) => logs.push(line), "debug");
  const routeHub = new RouteTableHub();
  const routers = options.routers ?? new RouterBoard();
  const releases = new ReleaseHub();
  const deployer = typeof options.deployer === "function" ? options.deployer(opened.store, routeHub, releases) : options.deployer;
  const upstreams = deployer !== undefined && "upstreams" in deployer && deployer.upstreams ? (deployer as UpstreamSource) : undefined;
  const { app, routes } = createController({
    store: opened.store,
    logger,
    settings: {
      registrationMode: options.registrationMode ?? "admin_only",
      ...(options.maxTokensPerUser === undefined ? {} : { maxTokensPerUser: options.maxTokensPerUser }),
      builderKey: BUILDER_KEY,
      appUrlTemplate: "http://{app}.example.test",
      routerKey: ROUTER_KEY,
      platformDomain: "example.test",
      trustedProxies: ["10.0.0.0/8"],
      ...(options.routeHeartbeatMs === undefined ? {} : { routeHeartbeatMs: options.routeHeartbeatMs }),
      ...(options.alerts === undefined ? {} : { alerts: options.alerts }),
    },
    routeHub,
    releaseHub: releases,
    routers,
    ...(deployer === undefined ? {} : { deployer }),
    ...(upstreams === undefined ? {} : { upstreams }),
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  t.teardown(async () => {
    // Long-lived responses (the route watch) would keep close() waiting: cut connections first.
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    await closed;
    await opened.dispose();
  });
  const client = new ControllerClient({ url });
  let admin: ControllerClient | undefined;
  return {
    url,
    store: opened.store,
    client,
    builder: new ControllerClient({ url, builderKey: BUILDER_KEY }),
    logs,
    routes,
    routers,
    releases,
    async user(username, password = `${username}-password`) {
      if (admin === undefined) {
        const first = await client.auth.register({ username, password });
        admin = client.withToken(first.token ?? "");
        return admin;
      }
      await admin.auth.register({ username, password });
      const { token } = await client.auth.login(username, password);
      return client.withToken(token);
    },
  };
}
