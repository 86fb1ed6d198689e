import { createServer } from "node:http";
import { loadControllerConfig } from "./config.ts";
import { createController } from "./http/app.ts";
import { createJsonLogger } from "./logger.ts";
import { RouteTableHub } from "./routing/hub.ts";
import { RolloutDeployer } from "./rollout/deployer.ts";
import { detectNetwork, dockerClient } from "./scheduler/docker/connect.ts";
import { DockerScheduler } from "./scheduler/docker/scheduler.ts";
import { kubernetesScheduler, loadKubeConfig } from "./scheduler/kubernetes/connect.ts";
import { openStore } from "./store/open.ts";

/** Composition root of a stand-alone controller: reads BERTH_* settings, opens the store, listens. */
const config = loadControllerConfig();
const logger = createJsonLogger((line) => process.stdout.write(line), config.logLevel).child({ service: "controller" });
const store = await openStore({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  onConnectionError: (err) => logger.warn("a database connection was lost; it will be reopened", { err }),
});
async function dockerDeployer(): Promise<RolloutDeployer> {
  const docker = dockerClient(config.dockerHost);
  const mode = config.dockerNetwork === "auto" ? await detectNetwork(docker).catch(() => "bridge" as const) : config.dockerNetwork;
  const network = mode === "host" ? ({ mode } as const) : ({ mode, bindHost: "127.0.0.1", containerPort: 5000 } as const);
  logger.info("docker scheduler", { dockerHost: config.dockerHost ?? "/var/run/docker.sock", network: mode });
  return new RolloutDeployer(
    { store, logger, scheduler: new DockerScheduler(docker, { network }), onRoutesChanged: () => routeHub.changed() },
    { drainMs: config.drainMs },
  );
}
/** Cluster mode: the router reaches each routable type at its Service, `<app>-<type>.<app>.svc:80`. */
function kubernetesDeployer(): RolloutDeployer {
  const k8s = config.kubernetes;
  const kc = loadKubeConfig(k8s.kubeconfig);
  logger.info("kubernetes scheduler", { cluster: kc.getCurrentCluster()?.server, context: kc.getCurrentContext() });
  const scheduler = kubernetesScheduler(kc, {
    terminationGracePeriodSeconds: k8s.terminationGracePeriodSeconds,
    nodeSelector: k8s.nodeSelector,
    ...(k8s.registryLogin === undefined ? {} : { registryLogin: k8s.registryLogin }),
  });
  // Kubernetes drains: a deleted pod leaves the Service's endpoints before its SIGTERM.
  return new RolloutDeployer({ store, logger, scheduler, onRoutesChanged: () => routeHub.changed() }, { drainMs: 0 });
}
const routeHub = new RouteTableHub();
const deployer =
  config.scheduler === "docker" ? await dockerDeployer() : config.scheduler === "kubernetes" ? kubernetesDeployer() : undefined;
// Finish or revert rollouts a previous run left in flight, and bring back instances that went missing.
deployer?.reconcile().catch((err: unknown) => logger.error("reconcile failed; apps may be missing instances", { err }));
deployer?.watchCrashes();
const { app } = createController({
  store,
  logger,
  routeHub,
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
const server = createServer(app.callback());
server.listen(config.port, config.host, () => {
  const where = config.databaseUrl === undefined ? `SQLite in ${config.dataDir}` : "PostgreSQL";
  logger.info("controller listening", { port: config.port, host: config.host, store: where });
  process.stderr.write(
    `Berth controller on http://localhost:${config.port} (data: ${where})\n` +
      `Register the first user (who becomes admin): curl -X POST localhost:${config.port}/v2/auth/register -H 'content-type: application/json' -d '{"username":"you","password":"…"}'\n`,
  );
});
const stop = (signal: string) => {
  logger.info("stopping", { signal });
  server.close(() => void (deployer?.close() ?? Promise.resolve()).then(() => store.close()).then(() => process.exit(0)));
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
