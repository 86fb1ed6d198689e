import { randomBytes } from "node:crypto";
import { timestamp } from "./meta.ts";
import type { Registry } from "./registry.ts";
import { KubeError } from "./status.ts";
import type { KubeObject } from "./types.ts";

export interface EventSource {
  component: string;
  host?: string;
}

export interface EventOptions {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  fieldPath?: string;
}

/**
 * The legacy event recorder (client-go tools/record): an Event in the involved object's namespace,
 * named `<object>.<hex>`, with identical repeats folded into `count` and `lastTimestamp`.
 */
export class EventRecorder {
  readonly #registry: Registry;
  readonly #source: EventSource;

  constructor(registry: Registry, source: EventSource) {
    this.#registry = registry;
    this.#source = source;
  }

  record(involved: KubeObject, kind: string, options: EventOptions): void {
    const ns = involved.metadata.namespace ?? "default";
    const involvedObject: Record<string, string> = {
      kind,
      namespace: ns,
      name: involved.metadata.name!,
      uid: involved.metadata.uid!,
      apiVersion: "v1",
      resourceVersion: involved.metadata.resourceVersion!,
    };
    if (options.fieldPath) involvedObject.fieldPath = options.fieldPath;
    const now = timestamp();
    try {
      const same = this.#registry.store
        .list("events", ns)
        .find(
          (e) =>
            (e.involvedObject as { uid?: string }).uid === involved.metadata.uid &&
            e.reason === options.reason &&
            e.message === options.message &&
            (e.source as EventSource).component === this.#source.component,
        );
      if (same) {
        this.#registry.mutate("events", ns, same.metadata.name!, (e) => ({
          ...e,
          count: ((e.count as number) ?? 1) + 1,
          lastTimestamp: now,
        }));
        return;
      }
      this.#registry.create("events", ns, {
        metadata: { name: `${involved.metadata.name}.${randomBytes(8).toString("hex")}`, namespace: ns },
        involvedObject,
        reason: options.reason,
        message: options.message,
        type: options.type,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: this.#source,
        reportingComponent: this.#source.component,
        reportingInstance: this.#source.host ?? "",
      });
    } catch (error) {
      // Like the real recorder, an event that cannot be written (its namespace is going away) is dropped.
      if (!(error instanceof KubeError && (error.code === 403 || error.code === 404))) throw error;
    }
  }
}
