import type { RequestListener } from "node:http";
import { defaultDockerSocket } from "@berth/config";
import type Docker from "dockerode";
import { ROUTER_STATUS_INTERVAL_MS } from "@berth/api";
import { runAlerts } from "./alerts/loops.ts";
import type { ControllerConfig } from "./config.ts";
import { createController } from "./http/app.ts";
import type { ControllerDeps } from "./http/context.ts";
import type { Logger } from "./logger.ts";
import { RolloutDeployer } from "./rollout/rollout-deployer.ts";
import { RouteTableHub } from "./route-table/hub.ts";
import { RouterBoard } from "./route-table/router-board.ts";
import { shareChanges } from "./services/change-feed.ts";
import { ReleaseHub } from "./services/release-hub.ts";
import type { Scheduler } from "./scheduler/types.ts";
import { detectNetwork, dockerClient } from "./scheduler/docker/connect.ts";
import { type DockerClient, DockerScheduler } from "./scheduler/docker/scheduler.ts";
import { insertEvent } from "./store/app-events.ts";
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

/** The Docker engine client the docker scheduler uses: dockerode, narrowed to what it calls. */
export type DockerEngine = DockerClient & Pick<Docker, "listNetworks">;

export interface ControllerRuntimeOptions extends Pick<ControllerDeps, "onAppDestroyed"> {
  /** The single-machine platform: `BERTH_ALERTS_ALLOW_PRIVATE_URLS=auto` lets channels point at this machine. */
  singleMachine?: boolean;
  /** Tests shorten the alert deliveries' retry schedule. */
  alertRetryScheduleMs?: readonly number[];
  /**
   * The Docker client of the docker scheduler: the platform hands the same one to the builder.
   * Made from `config.dockerHost` when absent.
   */
  docker?: DockerEngine;
}

interface DeployerParts {
  config: ControllerConfig;
  docker: DockerEngine | undefined;
  store: Store;
  logger: Logger;
  routeHub: RouteTableHub;
  routers: RouterBoard;
  releaseHub: ReleaseHub;
}

/** The deployer over a scheduler, telling the route table of changes and storing app events. */
function rolloutDeployer(parts: DeployerParts, scheduler: Scheduler, drains: boolean): RolloutDeployer {
  const { config, store, logger, routeHub, releaseHub } = parts;
  return new RolloutDeployer(
    {
      store,
      logger,
      scheduler,
      onRoutesChanged: () => {
        routeHub.changed();
        return routeHub.version;
      },
      ...(drains ? { routers: parts.routers } : {}),
      onReleaseChanged: (app) => releaseHub.changed(app),
      // Platform events join the app's log stream (`berth logs`).
      events: (event) => void insertEvent(store.db, event).catch((err: unknown) => logger.warn("an app event was not stored", { err })),
    },
    {
      drainGraceMs: config.drainGraceMs,
      watchMs: config.rollout.watchMs,
      batchSize: config.rollout.batchSize,
      timeoutMs: config.rollout.timeoutMs,
    },
  );
}

/**
 * What runs apps: the engine's scheduler, whether the routers reach its instances directly (so an
 * instance may stop only once no router sends it requests), and for Docker the network its
 * containers (and so the builds) use.
 */
interface SchedulerChoice {
  scheduler: Scheduler;
  drains: boolean;
  network?: "host" | "bridge";
}

/** One entry per `BERTH_SCHEDULER`: adding an engine is one entry. `none` only records releases. */
const schedulers: Record<ControllerConfig["scheduler"], (parts: DeployerParts) => Promise<SchedulerChoice | undefined>> = {
  async docker({ config, logger, docker: given }) {
    const docker = given ?? dockerClient(config.dockerHost);
    const mode = config.dockerNetwork === "auto" ? await detectNetwork(docker).catch(() => "bridge" as const) : config.dockerNetwork;
    const network = mode === "host" ? ({ mode } as const) : ({ mode, network: "bridge", containerPort: 5000 } as const);
    logger.info("docker scheduler", { dockerHost: config.dockerHost ?? `unix://${defaultDockerSocket}`, network: mode });
    return { scheduler: new DockerScheduler(docker, { network }), drains: true, network: mode };
  },
  // Cluster mode: the router reaches each routable type at its Service, `<app>-<type>.<app>.svc:80`,
  // and Kubernetes drains: a deleted pod leaves the Service's endpoints before its SIGTERM.
  async kubernetes({ config, logger }) {
    const k8s = config.kubernetes;
    const kc = loadKubeConfig(k8s.kubeconfig);
    logger.info("kubernetes scheduler", { cluster: kc.getCurrentCluster()?.server, context: kc.getCurrentContext() });
    const scheduler = kubernetesScheduler(kc, {
      terminationGracePeriodSeconds: k8s.terminationGracePeriodSeconds,
      nodeSelector: k8s.nodeSelector,
      ...(k8s.registryLogin === undefined ? {} : { registryLogin: k8s.registryLogin }),
    });
    return { scheduler, drains: false };
  },
  none: async () => undefined,
};

/**
 * Opens the store, builds the configured scheduler and deployer, reconciles what runs with what the
 * store says (finishing or reverting rollouts a previous run left in flight, restoring instances
 * that went missing), and returns the API handler. Opens no port.
 */
export async function startControllerRuntime(
  config: ControllerConfig,
  logger: Logger,
  options: ControllerRuntimeOptions = {},
): Promise<ControllerRuntime> {
  const { docker, singleMachine, alertRetryScheduleMs, ...hooks } = options;
  const alerts = {
    tickMs: config.alerts.tickMs,
    allowPrivate: config.alerts.allowPrivateUrls === "yes" || (config.alerts.allowPrivateUrls === "auto" && singleMachine === true),
    ...(alertRetryScheduleMs === undefined ? {} : { retryScheduleMs: alertRetryScheduleMs }),
  };
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    onConnectionError: (err) => logger.warn("a database connection was lost; it will be reopened", { err }),
  });
  const routeHub = new RouteTableHub();
  // Routers report every few seconds: until one interval has passed, silence does not mean "no router".
  const routers = new RouterBoard({ warmupMs: ROUTER_STATUS_INTERVAL_MS + 1000 });
  const releaseHub = new ReleaseHub();
  // Controllers sharing a PostgreSQL database (chart replicas) tell each other's routers and waiters.
  const stopSharing = store.backend === "postgres" ? shareChanges(store, { routes: routeHub, releases: releaseHub }, logger) : undefined;
  const parts = { config, docker, store, logger, routeHub, routers, releaseHub };
  const chosen = await schedulers[config.scheduler](parts);
  const deployer = chosen === undefined ? undefined : rolloutDeployer(parts, chosen.scheduler, chosen.drains);
  // Reconcile and the crash watch, while this controller is the leader; stopped by `deployer.close()` below.
  deployer?.lead({}, (signal) =>
    runAlerts({ db: store.db, logger, deployer, settings: alerts, appUrlTemplate: config.appUrlTemplate }, signal),
  );
  const { app } = createController({
    store,
    logger,
    routeHub,
    releaseHub,
    routers,
    ...hooks,
    ...(deployer === undefined ? {} : { deployer, upstreams: deployer }),
    settings: {
      registrationMode: config.registrationMode,
      builderKey: config.builderKey,
      routerKey: config.routerKey,
      appUrlTemplate: config.appUrlTemplate,
      platformDomain: config.domain,
      trustedProxies: config.trustedProxies,
      rollout: config.rollout,
      alerts,
    },
  });
  return {
    handler: app.callback(),
    store,
    network: chosen?.network,
    close: async () => {
      stopSharing?.();
      await deployer?.close();
      await store.close();
    },
  };
}
