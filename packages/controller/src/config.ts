import type { RegistrationMode } from "@berth/api";
import { controllerSettings, type Env, readSettings, registryLoginCheck } from "@berth/config";
import type { DeploySettings } from "./domain/deploy-settings.ts";
import type { LogLevel } from "./logger.ts";

/** The controller's settings; every one has a default that makes the single-machine mode work. */
export interface ControllerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** PostgreSQL URL; SQLite under `dataDir` when absent. */
  databaseUrl: string | undefined;
  /** Platform domain: apps answer at `<app>.<domain>`. */
  domain: string;
  /** Public base URL scheme+port suffix used to print app URLs (`http://<app>.<domain>:<port>`). */
  appUrlTemplate: string;
  registrationMode: RegistrationMode;
  /** Secret shared with the builder (X-Berth-Builder-Key). Generated when absent. */
  builderKey: string;
  /** Secret shared with the router (X-Berth-Router-Key). Generated when absent. */
  routerKey: string;
  /** CIDRs of proxies in front of the router whose X-Forwarded-For is trusted. */
  trustedProxies: string[];
  /**
   * `BERTH_DRAIN_TIMEOUT` (s): the longest an instance leaving a rollout waits for its in-flight
   * requests once no router sends it new ones, before it is signalled to stop.
   */
  drainGraceMs: number;
  /**
   * Rollouts of apps whose config sets no `BERTH_DEPLOY_*` value: `BERTH_DEPLOY_BATCHES`,
   * `BERTH_DEPLOY_TIMEOUT` (s) and `BERTH_DEPLOY_WATCH` (s: how long a ready release is watched for crashes).
   */
  rollout: DeploySettings;
  logLevel: LogLevel;
  /** Who runs apps: the local Docker engine, a Kubernetes cluster, or nothing (releases are only recorded). */
  scheduler: "docker" | "kubernetes" | "none";
  /** `DOCKER_HOST`; the default socket when absent. */
  dockerHost: string | undefined;
  /**
   * `bridge`: instances listen on `$PORT` at their own address on the engine's bridge network (the
   * router and the healthchecks reach them there); `host`: they share the host's network; `auto`:
   * bridge when the engine has one (dockerd --bridge=none has not).
   */
  dockerNetwork: "auto" | "bridge" | "host";
  /** Kubernetes settings, read when `scheduler` is `kubernetes`. */
  kubernetes: KubernetesSettings;
  /**
   * `BERTH_ALERTS_TICK` (s): how often the leader evaluates alert rules; `BERTH_ALERTS_ALLOW_PRIVATE_URLS`:
   * whether channels may point at private, loopback and link-local addresses (`auto`: only in the
   * single-machine platform, whose user may well receive on their own machine).
   */
  alerts: { tickMs: number; allowPrivateUrls: "auto" | "yes" | "no" };
}

export interface KubernetesSettings {
  /** `KUBECONFIG`: a kubeconfig file; client-node's defaults (then in-cluster) when absent. */
  kubeconfig: string | undefined;
  /** `BERTH_K8S_GRACE_PERIOD`: seconds pods get after SIGTERM. */
  terminationGracePeriodSeconds: number;
  /** `BERTH_K8S_NODE_SELECTOR` (`disk=ssd,zone=a`): labels nodes must have to run apps. */
  nodeSelector: Record<string, string>;
  /** `BERTH_REGISTRY_SERVER` + `_USERNAME` + `_PASSWORD`: a login for private images, given to the kubelet. */
  registryLogin: { server: string; username: string; password: string } | undefined;
}

/**
 * Reads `BERTH_*` variables (and `DATABASE_URL`, `DOCKER_HOST`, `KUBECONFIG`) as `@berth/config`
 * declares them; throws one ConfigError naming every variable that cannot be used.
 */
export function loadControllerConfig(env: Env = process.env): ControllerConfig {
  const s = readSettings(controllerSettings, env, [registryLoginCheck]);
  const publicPort = s.publicPort ?? s.port;
  const portSuffix = publicPort === 80 ? "" : `:${publicPort}`;
  return {
    host: s.host,
    port: s.port,
    dataDir: s.dataDir,
    databaseUrl: s.databaseUrl ?? s.berthDatabaseUrl,
    domain: s.domain,
    appUrlTemplate: s.appUrlTemplate ?? `http://{app}.${s.domain}${portSuffix}`,
    registrationMode: s.registrationMode,
    builderKey: s.builderKey,
    routerKey: s.routerKey,
    drainGraceMs: s.drainGraceMs,
    rollout: { batchSize: s.deployBatches, timeoutMs: s.deployTimeoutMs, watchMs: s.deployWatchMs },
    trustedProxies: s.trustedProxies,
    logLevel: s.logLevel,
    scheduler: s.scheduler,
    dockerHost: s.dockerHost,
    dockerNetwork: s.dockerNetwork,
    alerts: { tickMs: s.alertsTickMs, allowPrivateUrls: s.alertsAllowPrivateUrls },
    kubernetes: {
      kubeconfig: s.kubeconfig,
      terminationGracePeriodSeconds: s.k8sGracePeriodSeconds,
      nodeSelector: s.k8sNodeSelector,
      registryLogin:
        s.registryServer === undefined || s.registryUsername === undefined || s.registryPassword === undefined
          ? undefined
          : { server: s.registryServer, username: s.registryUsername, password: s.registryPassword },
    },
  };
}
