import type { RequestListener } from "node:http";
import type { ControllerConfig } from "./config.ts";
import { createController } from "./http/app.ts";
import type { ControllerDeps } from "./http/context.ts";
import type { Logger } from "./logger.ts";
import { RolloutDeployer } from "./rollout/deployer.ts";
import { RouteTableHub } from "./routing/hub.ts";
import { detectNetwork, dockerClient } from "./scheduler/docker/connect.ts";
import { DockerScheduler } from "./scheduler/docker/scheduler.ts";
import { insertEvent } from "./store/events.ts";
import { kubernetesScheduler, loadKubeConfig } from "./scheduler/kubernetes/connect.ts";
import { openStore, type Store } from "./store/open.ts";

/** A controller with its real parts, ready to serve: what `main.ts` and the platform run. */
export interface ControllerRuntime {
  /** The HTTP request handler of the API. */
  handler: RequestListener;
  store: Store;
  /** How containers reach the network, when the docker scheduler runs them (builds should match). */
  network: "host" | "bridge" | undefined;
  /** Stops the deployer's background work and closes the store (apps keep running). */
  close(): Promise<void>;
}

async function dockerDeployer(
  config: ControllerConfig,
  store: Store,
  logger: Logger,
  routeHub: RouteTableHub,
): Promise<{ deployer: RolloutDeployer; network: "host" | "bridge" }> {
  const docker = dockerClient(config.dockerHost);
  const mode = config.dockerNetwork === "auto" ? await detectNetwork(docker).catch(() => "bridge" as const) : config.dockerNetwork;
  const network = mode === "host" ? ({ mode } as const) : ({ mode, bindHost: "127.0.0.1", containerPort: 5000 } as const);
  logger.info("docker scheduler", { dockerHost: config.dockerHost ?? "/var/run/docker.sock", network: mode });
  const deployer = new RolloutDeployer(
    {
      store,
      logger,
      scheduler: new DockerScheduler(docker, { network }),
      onRoutesChanged: () => routeHub.changed(),
      // Platform events join the app's log stream (`berth logs`).
      events: (event) => void insertEvent(store.db, event).catch((err: unknown) => logger.warn("an app event was not stored", { err })),
    },
    { drainMs: config.drainMs },
  );
  return { deployer, network: mode };
}

/** Cluster mode: the router reaches each routable type at its Service, `<app>-<type>.<app>.svc:80`. */
function kubernetesDeployer(config: ControllerConfig, store: Store, logger: Logger, routeHub: RouteTableHub): RolloutDeployer {
  const k8s = config.kubernetes;
  const kc = loadKubeConfig(k8s.kubeconfig);
  logger.info("kubernetes scheduler", { cluster: kc.getCurrentCluster()?.server, context: kc.getCurrentContext() });
  const scheduler = kubernetesScheduler(kc, {
    terminationGracePeriodSeconds: k8s.terminationGracePeriodSeconds,
    nodeSelector: k8s.nodeSelector,
    ...(k8s.registryLogin === undefined ? {} : { registryLogin: k8s.registryLogin }),
  });
  // Kubernetes drains: a deleted pod leaves the Service's endpoints before its SIGTERM.
  return new RolloutDeployer(
    {
      store,
      logger,
      scheduler,
      onRoutesChanged: () => routeHub.changed(),
      events: (event) => void insertEvent(store.db, event).catch((err: unknown) => logger.warn("an app event was not stored", { err })),
    },
    { drainMs: 0 },
  );
}

/**
 * Opens the store, builds the configured scheduler and deployer, reconciles what runs with what the
 * store says (finishing or reverting rollouts a previous run left in flight, restoring instances
 * that went missing), and returns the API handler. Opens no port.
 */
export async function startControllerRuntime(
  config: ControllerConfig,
  logger: Logger,
  hooks: Pick<ControllerDeps, "onAppDestroyed"> = {},
): Promise<ControllerRuntime> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (err) => logger.warn("a database connection was lost; it will be reopened", { err }),
  });
  const routeHub = new RouteTableHub();
  const docker = config.scheduler === "docker" ? await dockerDeployer(config, store, logger, routeHub) : undefined;
  const deployer = docker?.deployer ?? (config.scheduler === "kubernetes" ? kubernetesDeployer(config, store, logger, routeHub) : undefined);
  deployer?.reconcile().catch((err: unknown) => logger.error("reconcile failed; apps may be missing instances", { err }));
  // Stopped by `deployer.close()` below.
  deployer?.watchCrashes();
  const { app } = createController({
    store,
    logger,
    routeHub,
    ...hooks,
    ...(deployer === undefined ? {} : { deployer, upstreams: deployer }),
    settings: {
      registrationMode: config.registrationMode,
      builderKey: config.builderKey,
      routerKey: config.routerKey,
      appUrlTemplate: config.appUrlTemplate,
      platformDomain: config.domain,
      trustedProxies: config.trustedProxies,
    },
  });
  return {
    handler: app.callback(),
    store,
    network: docker?.network,
    close: async () => {
      await deployer?.close();
      await store.close();
    },
  };
}
