import type { Deleter } from "./deletion.ts";
import type { Registry } from "./registry.ts";
import { namespacedResources } from "./resources.ts";
import { KubeError } from "./status.ts";

/**
 * The namespace controller's part of deletion: once a namespace is Terminating, delete everything in
 * it (pods gracefully, RCs with their pods), and when nothing is left drop the `kubernetes`
 * finalizer and the namespace itself, after which GET answers 404.
 */
export class NamespaceController {
  readonly #registry: Registry;
  readonly #deleter: Deleter;
  readonly #pending = new Set<string>();
  #unsubscribe: (() => void) | undefined;
  #stopped = false;

  constructor(registry: Registry, deleter: Deleter) {
    this.#registry = registry;
    this.#deleter = deleter;
  }

  start(): void {
    this.#unsubscribe = this.#registry.store.subscribe((event) => {
      const ns = event.resource === "namespaces" ? event.object.metadata.name : event.object.metadata.namespace;
      if (ns !== undefined && (event.resource === "namespaces" ? event.type !== "DELETED" : event.type === "DELETED")) this.#schedule(ns);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
  }

  #schedule(name: string): void {
    if (this.#pending.has(name)) return;
    this.#pending.add(name);
    setImmediate(() => {
      this.#pending.delete(name);
      if (!this.#stopped) this.#sweep(name);
    });
  }

  #sweep(name: string): void {
    const ns = this.#registry.find("namespaces", undefined, name);
    if (!ns?.metadata.deletionTimestamp) return;
    for (const plural of namespacedResources) {
      for (const obj of this.#registry.store.list(plural, name)) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          this.#deleter.delete(plural, name, obj.metadata.name!, { propagationPolicy: "Background" });
        } catch (error) {
          if (!(error instanceof KubeError && error.code === 404)) throw error;
        }
      }
    }
    if (this.#empty(name)) this.#deleter.finalize("namespaces", undefined, name);
  }

  #empty(name: string): boolean {
    return namespacedResources.every((plural) => this.#registry.store.list(plural, name).length === 0);
  }
}
