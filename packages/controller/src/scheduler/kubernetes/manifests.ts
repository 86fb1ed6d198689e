import { type ProcessLimits, processCommand } from "@berth/api";
import type {
  V1Container,
  V1Namespace,
  V1Probe,
  V1ReplicationController,
  V1ResourceRequirements,
  V1Secret,
  V1Service,
} from "@kubernetes/client-node";
import type { GroupSpec, ReadinessCheck } from "../types.ts";
import { groupLabels, groupSelector, HERITAGE, serviceSelector } from "./labels.ts";
import { DEFAULT_CONTAINER_PORT, objectName, SERVICE_PORT } from "./names.ts";

/** Settings of the cluster the manifests are made for. */
export interface ManifestSettings {
  /** Seconds a pod gets between SIGTERM and SIGKILL. */
  terminationGracePeriodSeconds: number;
  /** Whether `berth-registry` exists in the namespace and must be used to pull images. */
  pullSecret: boolean;
  /** Labels a node must have to run the app's pods (none: any node). */
  nodeSelector?: Record<string, string>;
}

export function namespaceManifest(app: string): V1Namespace {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name: objectName.namespace(app), labels: { ...HERITAGE } } };
}

/** The release's environment as a Secret; pods read it through `envFrom`, so values never sit in the RC. */
export function envSecretManifest(spec: GroupSpec): V1Secret {
  const data = Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("base64")]));
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: {
      name: objectName.envSecret(spec.app, spec.release),
      namespace: objectName.namespace(spec.app),
      labels: { app: spec.app, version: String(spec.release), ...HERITAGE },
    },
    data,
  };
}

/** A `kubernetes.io/dockerconfigjson` Secret that logs the kubelet in to the registry. */
export function pullSecretManifest(app: string, login: { server: string; username: string; password: string }): V1Secret {
  const auth = Buffer.from(`${login.username}:${login.password}`).toString("base64");
  const config = JSON.stringify({ auths: { [login.server]: { username: login.username, password: login.password, auth } } });
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/dockerconfigjson",
    metadata: { name: objectName.pullSecret, namespace: objectName.namespace(app), labels: { app, ...HERITAGE } },
    data: { ".dockerconfigjson": Buffer.from(config).toString("base64") },
  };
}

/** The port the instance listens on: the config's `PORT`, or 5000. */
export function containerPort(spec: GroupSpec): number {
  const port = Number(spec.env.PORT);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_CONTAINER_PORT;
}

/** `512M` (Berth, like Deis) → `512Mi` (Kubernetes quantity); CPU values are already quantities. */
export function resources(limits: ProcessLimits | undefined): V1ResourceRequirements | undefined {
  const quantities: Record<string, string> = {};
  if (limits?.memory !== undefined) quantities.memory = limits.memory.replace(/^([0-9.]+)([KMG])$/, "$1$2i");
  if (limits?.cpu !== undefined) quantities.cpu = limits.cpu;
  return Object.keys(quantities).length === 0 ? undefined : { requests: quantities, limits: { ...quantities } };
}

/**
 * Seconds a pod keeps serving after it is told to stop, before its process gets SIGTERM: kube-proxy
 * and the endpoints controller take a moment to stop sending it new connections, and an app that
 * exits at once would refuse those. At most 5 s, and half the grace period, so the app still has the
 * rest to finish its requests.
 */
export function stopDelaySeconds(terminationGracePeriodSeconds: number): number {
  return Math.min(5, Math.floor(terminationGracePeriodSeconds / 2));
}

/** The readiness check as a probe on the container's port; none for processes that serve nothing. */
export function probe(check: ReadinessCheck, port: number): V1Probe | undefined {
  if (check.mode === "running") return undefined;
  const timing = {
    initialDelaySeconds: check.initialDelay,
    timeoutSeconds: check.timeout,
    periodSeconds: check.period,
    failureThreshold: check.failureThreshold,
  };
  if (check.mode === "http") return { httpGet: { path: check.path ?? "/", port }, ...timing };
  return { tcpSocket: { port }, ...timing };
}

function container(spec: GroupSpec, settings: ManifestSettings): V1Container {
  const port = containerPort(spec);
  const delay = stopDelaySeconds(settings.terminationGracePeriodSeconds);
  const check = probe(spec.readiness, port);
  const limits = resources(spec.limits);
  return {
    name: spec.type,
    image: spec.image,
    imagePullPolicy: "IfNotPresent",
    ...(spec.command === undefined ? {} : { command: processCommand(spec.command) }),
    envFrom: [{ secretRef: { name: objectName.envSecret(spec.app, spec.release) } }],
    // PORT is not a secret, and the config may have set it already (then the Secret carries it).
    ...(spec.env.PORT === undefined ? { env: [{ name: "PORT", value: String(port) }] } : {}),
    ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
    ...(check === undefined ? {} : { readinessProbe: check, livenessProbe: { ...check } }),
    ...(limits === undefined ? {} : { resources: limits }),
    // The kubelet's own sleep (Kubernetes 1.30+), so the image needs no `sleep` program.
    ...(delay > 0 ? { lifecycle: { preStop: { sleep: { seconds: delay } } } } : {}),
  };
}

/** `<app>-v<N>-<type>`, created at 0 replicas: the deployer scales it batch by batch. */
export function replicationControllerManifest(spec: GroupSpec, settings: ManifestSettings, replicas = 0): V1ReplicationController {
  const labels = groupLabels(spec);
  return {
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name: objectName.replicationController(spec), namespace: objectName.namespace(spec.app), labels },
    spec: {
      replicas,
      selector: groupSelector(spec),
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          containers: [container(spec, settings)],
          restartPolicy: "Always",
          terminationGracePeriodSeconds: settings.terminationGracePeriodSeconds,
          ...(settings.pullSecret ? { imagePullSecrets: [{ name: objectName.pullSecret }] } : {}),
          ...(settings.nodeSelector === undefined || Object.keys(settings.nodeSelector).length === 0
            ? {}
            : { nodeSelector: { ...settings.nodeSelector } }),
        },
      },
    },
  };
}

/** `<app>-<type>`: port 80 to the pods' `http` port, whichever release they belong to. */
export function serviceManifest(app: string, type: string): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: objectName.service(app, type), namespace: objectName.namespace(app), labels: { app, type, ...HERITAGE } },
    spec: {
      type: "ClusterIP",
      selector: serviceSelector(app, type),
      ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
