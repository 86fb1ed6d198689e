import { randomBytes } from "node:crypto";
import type { ConfigProblem } from "../error.ts";
import { integer, labels, list, oneOf, path, port, seconds, text } from "../kinds.ts";
import { optional, setting } from "../setting.ts";
import { dataDir, dockerEngine, domain, logLevel } from "./shared.ts";

/** How apps roll out when neither their config nor the platform's settings say. */
export const rolloutDefaults = { batchSize: 1, timeoutMs: 120_000, watchMs: 10_000 } as const;

const random = { default: () => randomBytes(32).toString("hex"), shown: "random" };

/** Where apps run: `BERTH_SCHEDULER`, and the cluster's settings when it is `kubernetes`. */
export const kubernetesSettings = {
  scheduler: setting({
    env: "BERTH_SCHEDULER",
    kind: oneOf(["docker", "kubernetes", "none"] as const),
    default: "docker",
    meaning: "who runs apps: `docker` (the local engine), `kubernetes` (a cluster) or `none` (releases are only recorded)",
  }),
  kubeconfig: optional({
    env: "KUBECONFIG",
    kind: path(),
    shown: "client-node's lookup",
    meaning: "kubeconfig file of the cluster (else `~/.kube/config`, else the pod's service account)",
  }),
  k8sGracePeriodSeconds: setting({
    env: "BERTH_K8S_GRACE_PERIOD",
    kind: integer(0, 3600),
    default: 30,
    meaning: "`terminationGracePeriodSeconds` of app pods",
  }),
  k8sNodeSelector: setting({
    env: "BERTH_K8S_NODE_SELECTOR",
    kind: labels(),
    default: {},
    meaning: "`key=value,…` labels nodes must have to run app pods",
  }),
  registryServer: optional({
    env: "BERTH_REGISTRY_SERVER",
    kind: text(),
    meaning:
      "registry the builder pushes to, logged in to by the kubelet: copied into each app namespace as the `berth-registry` image pull secret (with the next two, all three or none)",
  }),
  registryUsername: optional({ env: "BERTH_REGISTRY_USERNAME", kind: text(), meaning: "user of that registry login" }),
  registryPassword: optional({ env: "BERTH_REGISTRY_PASSWORD", kind: text(), meaning: "password of that registry login" }),
};

/** A private registry's login is all three variables or none. */
export function registryLoginCheck(values: {
  registryServer?: string | undefined;
  registryUsername?: string | undefined;
  registryPassword?: string | undefined;
}): ConfigProblem[] {
  const given = [values.registryServer, values.registryUsername, values.registryPassword].filter((v) => v !== undefined).length;
  if (given === 0 || given === 3) return [];
  return [
    {
      variable: "BERTH_REGISTRY_SERVER",
      value: undefined,
      allowed: "",
      message:
        "BERTH_REGISTRY_SERVER, BERTH_REGISTRY_USERNAME and BERTH_REGISTRY_PASSWORD go together — set all three for a private registry, or none when the cluster can pull without a login",
    },
  ];
}

/** The controller's own settings, read by a stand-alone controller and by the platform. */
export const controllerCoreSettings = {
  port: setting({ env: "BERTH_PORT", kind: port(), default: 8080, meaning: "port the platform (or a stand-alone controller) listens on" }),
  host: setting({ env: "BERTH_HOST", kind: text(), default: "0.0.0.0", meaning: "interface to bind" }),
  publicPort: optional({
    env: "BERTH_PUBLIC_PORT",
    kind: port(),
    shown: "`BERTH_PORT`",
    meaning: "port in the app URLs Berth prints (none for 80), when what users reach is not `BERTH_PORT`",
  }),
  dataDir,
  databaseUrl: optional({ env: "DATABASE_URL", kind: text(), meaning: "PostgreSQL URL; SQLite in the data directory when unset" }),
  berthDatabaseUrl: optional({ env: "BERTH_DATABASE_URL", kind: text(), meaning: "the same, read when `DATABASE_URL` is unset" }),
  domain,
  appUrlTemplate: optional({
    env: "BERTH_APP_URL_TEMPLATE",
    kind: text(),
    shown: "`http://{app}.<domain>:<public port>`",
    meaning: "app URLs Berth prints; `{app}` becomes the app's name",
  }),
  registrationMode: setting({
    env: "BERTH_REGISTRATION_MODE",
    kind: oneOf(["open", "admin_only", "disabled"] as const),
    default: "admin_only",
    meaning: "`open`, `admin_only` or `disabled`; the first user may always register and becomes admin",
  }),
  builderKey: setting({
    env: "BERTH_BUILDER_KEY",
    kind: text(),
    ...random,
    meaning: "secret shared between builder and controller (`X-Berth-Builder-Key`)",
  }),
  routerKey: setting({
    env: "BERTH_ROUTER_KEY",
    kind: text(),
    ...random,
    meaning: "secret shared between router and controller (`X-Berth-Router-Key`)",
  }),
  trustedProxies: setting({
    env: "BERTH_TRUSTED_PROXIES",
    kind: list(),
    default: [],
    meaning: "comma-separated CIDRs of proxies in front of the router whose `X-Forwarded-For` is trusted",
  }),
  logLevel,
  dockerHost: dockerEngine,
  dockerNetwork: setting({
    env: "BERTH_DOCKER_NETWORK",
    kind: oneOf(["auto", "bridge", "host"] as const),
    default: "auto",
    meaning:
      "`bridge` (instances at their own address on the engine's bridge), `host` (the host's network), or `auto` (bridge when the engine has one)",
  }),
  deployBatches: setting({
    env: "BERTH_DEPLOY_BATCHES",
    kind: integer(1, 999),
    default: rolloutDefaults.batchSize,
    meaning: "instances per rollout batch, unless the app's config sets it",
  }),
  deployTimeoutMs: setting({
    env: "BERTH_DEPLOY_TIMEOUT",
    kind: seconds(1, 86_400),
    default: rolloutDefaults.timeoutMs,
    meaning: "seconds a batch may take to become ready, unless the app's config sets it",
  }),
  deployWatchMs: setting({
    env: "BERTH_DEPLOY_WATCH",
    kind: seconds(0, 3600),
    default: rolloutDefaults.watchMs,
    meaning: "seconds a ready release is watched for crashes (0: none), unless the app's config sets it",
  }),
  alertsTickMs: setting({
    env: "BERTH_ALERTS_TICK",
    kind: seconds(1, 300),
    default: 15_000,
    meaning: "seconds between evaluations of every alert rule (no rule's window may be shorter)",
  }),
  alertsAllowPrivateUrls: setting({
    env: "BERTH_ALERTS_ALLOW_PRIVATE_URLS",
    kind: oneOf(["auto", "yes", "no"] as const),
    default: "auto",
    meaning:
      "whether alert channels may post to private, loopback and link-local addresses: `auto` allows it in the single-machine platform only",
  }),
  drainGraceMs: setting({
    env: "BERTH_DRAIN_TIMEOUT",
    kind: seconds(0, 3600),
    default: 30_000,
    meaning: "seconds a leaving instance waits for its in-flight requests before it is signalled",
  }),
};

/** Everything a stand-alone controller reads. */
export const controllerSettings = { ...controllerCoreSettings, ...kubernetesSettings };
