/** JSON as it travels on the wire. */
export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject {
  [key: string]: Json;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/**
 * Any stored object in its wire form. Kind-specific fields are read through the narrow views in
 * `kinds.ts`; the store itself only cares about metadata.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export const WatchEventType = {
  Added: "ADDED",
  Modified: "MODIFIED",
  Deleted: "DELETED",
  Bookmark: "BOOKMARK",
  Error: "ERROR",
} as const;
export type WatchEventType = (typeof WatchEventType)[keyof typeof WatchEventType];
