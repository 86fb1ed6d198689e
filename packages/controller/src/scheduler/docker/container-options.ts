import type { ContainerCreateOptions } from "dockerode";
import { type ProcessLimits, processCommand } from "@berth/api";
import { instanceName } from "../names.ts";
import type { GroupSpec } from "../types.ts";
import { instanceLabels, LABEL } from "./labels.ts";

/**
 * `host`: containers share the host's network (engines without a bridge); each instance gets a free
 * port as `$PORT`. `bridge`: each instance listens on the same `$PORT` inside its own network
 * namespace on the engine network `network` (the engine's default `bridge`), and is reached at its
 * address there. Nothing is published: a published port's userland proxy accepts connections for an
 * app that is not listening, so neither readiness nor the router may go through one.
 */
export type DockerNetwork = { mode: "host" } | { mode: "bridge"; network: string; containerPort: number };

export interface InstancePlacement {
  index: number;
  /** Host networking: the port allocated for the instance. */
  hostPort?: number;
}

const units: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** `512M` → bytes. */
export function memoryBytes(value: string): number {
  const match = /^([0-9.]+)([KMG])$/.exec(value);
  if (!match?.[1] || !match[2]) throw new Error(`memory limit "${value}" is not a size like 512M`);
  return Math.round(Number(match[1]) * (units[match[2]] ?? 1));
}

/** `500m` or `1.5` (cores) → nano-CPUs. */
export function nanoCpus(value: string): number {
  return value.endsWith("m") ? Number(value.slice(0, -1)) * 1e6 : Math.round(Number(value) * 1e9);
}

function limitOptions(limits: ProcessLimits | undefined): { Memory?: number; NanoCpus?: number } {
  return {
    ...(limits?.memory === undefined ? {} : { Memory: memoryBytes(limits.memory) }),
    ...(limits?.cpu === undefined ? {} : { NanoCpus: nanoCpus(limits.cpu) }),
  };
}

export interface ContainerOptionsSettings {
  network: DockerNetwork;
  /** Restarts after a crash before the engine gives up. */
  maxRestarts: number;
  /** Seconds between SIGTERM and SIGKILL. */
  stopTimeout: number;
  /** Added to every container (tests add `berth.test=1`). */
  labels: Record<string, string>;
}

/** The create options of instance `placement.index` of a group: a pure function of its inputs. */
export function containerOptions(
  spec: GroupSpec,
  placement: InstancePlacement,
  settings: ContainerOptionsSettings,
): ContainerCreateOptions {
  const { network } = settings;
  const labels = { ...settings.labels, ...instanceLabels(spec, placement.index, spec.readiness) };
  const env: Record<string, string> = { ...spec.env };
  const hostConfig: ContainerCreateOptions["HostConfig"] = {
    RestartPolicy: { Name: "on-failure", MaximumRetryCount: settings.maxRestarts },
    // tini as PID 1 reaps orphans and passes SIGTERM to processCommand's supervisor, which signals the app's
    // whole process group and waits for it.
    Init: true,
    ...limitOptions(spec.limits),
  };
  const options: ContainerCreateOptions = {
    name: instanceName(spec, placement.index),
    Image: spec.image,
    Labels: labels,
    StopTimeout: settings.stopTimeout,
    HostConfig: hostConfig,
  };
  if (network.mode === "host") {
    hostConfig.NetworkMode = "host";
    if (env.PORT === undefined && placement.hostPort !== undefined) env.PORT = String(placement.hostPort);
    if (env.PORT !== undefined) labels[LABEL.port] = env.PORT;
  } else {
    env.PORT ??= String(network.containerPort);
    hostConfig.NetworkMode = network.network;
    options.ExposedPorts = { [`${env.PORT}/tcp`]: {} };
    labels[LABEL.port] = env.PORT;
  }
  options.Env = Object.entries(env).map(([key, value]) => `${key}=${value}`);
  if (spec.command !== undefined) options.Cmd = processCommand(spec.command);
  return options;
}
