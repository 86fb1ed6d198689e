import type { FieldError } from "../status.ts";
import type { KubeObject } from "../types.ts";
import { prepareNamespaceCreate } from "./namespace.ts";
import { podSpecErrors, podUpdateErrors, preparePodCreate, defaultPodSpec } from "./pod.ts";
import { defaultReplicationController, replicationControllerErrors } from "./replication-controller.ts";
import { prepareSecret, secretErrors, secretUpdateErrors } from "./secret.ts";
import { type ClusterIpAllocator, prepareServiceCreate, prepareServiceUpdate, serviceErrors } from "./service.ts";
import type { Namespace, Pod, ReplicationController, Secret, Service } from "./shapes.ts";

export interface StrategyContext {
  clusterIps: ClusterIpAllocator;
}

/**
 * What differs per kind on a write: defaults and initial status on create, validation, and the
 * update rules (immutable fields, kept allocations). Status is handled by the registry.
 */
export interface Strategy {
  prepareCreate(obj: KubeObject, ctx: StrategyContext): void;
  validate(obj: KubeObject): FieldError[];
  prepareUpdate(next: KubeObject, current: KubeObject): FieldError[];
  /** Whether `metadata.generation` follows spec changes. */
  tracksGeneration: boolean;
}

const plain: Strategy = {
  prepareCreate: () => {},
  validate: () => [],
  prepareUpdate: () => [],
  tracksGeneration: false,
};

export const strategies: Record<string, Strategy> = {
  namespaces: {
    ...plain,
    prepareCreate: (obj) => prepareNamespaceCreate(obj as Namespace),
  },
  pods: {
    prepareCreate: (obj) => preparePodCreate(obj as Pod),
    validate: (obj) => podSpecErrors((obj as Pod).spec, "spec"),
    prepareUpdate: (next, current) => {
      (next as Pod).spec ??= { containers: [] };
      defaultPodSpec((next as Pod).spec);
      return podUpdateErrors(next as Pod, current as Pod);
    },
    tracksGeneration: false,
  },
  replicationcontrollers: {
    prepareCreate: (obj) => {
      defaultReplicationController(obj as ReplicationController);
      obj.status = { replicas: 0 };
    },
    validate: (obj) => replicationControllerErrors(obj as ReplicationController),
    prepareUpdate: (next) => {
      defaultReplicationController(next as ReplicationController);
      return [];
    },
    tracksGeneration: true,
  },
  services: {
    prepareCreate: (obj, ctx) => prepareServiceCreate(obj as Service, ctx.clusterIps),
    validate: (obj) => serviceErrors(obj as Service),
    prepareUpdate: (next, current) => prepareServiceUpdate(next as Service, current as Service),
    tracksGeneration: false,
  },
  secrets: {
    prepareCreate: (obj) => prepareSecret(obj as Secret),
    validate: (obj) => secretErrors(obj as Secret),
    prepareUpdate: (next, current) => {
      prepareSecret(next as Secret);
      return secretUpdateErrors(next as Secret, current as Secret);
    },
    tracksGeneration: false,
  },
  endpoints: plain,
  events: plain,
};
