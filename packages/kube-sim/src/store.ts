import type { KubeObject } from "./types.ts";

/** A committed change, numbered by the cluster-wide revision it produced. */
export interface StoreEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: string;
  revision: number;
  object: KubeObject;
  /** The object before a MODIFIED or DELETED, for selector transitions. */
  previous: KubeObject | undefined;
}

export type StoreListener = (event: StoreEvent) => void;

export interface ObjectStoreOptions {
  /** How many events watches can resume from; older resourceVersions get 410 Expired. */
  historySize?: number;
}

const key = (namespace: string | undefined, name: string): string => `${namespace ?? ""}/${name}`;

/**
 * The etcd stand-in: objects by resource, one revision counter for the whole cluster (every write
 * bumps it, status writes included), and a bounded history for watch resumption. It knows nothing of
 * kinds or validation; the registry does.
 */
export class ObjectStore {
  #revision = 1;
  readonly #objects = new Map<string, Map<string, KubeObject>>();
  readonly #history: StoreEvent[] = [];
  readonly #listeners = new Set<StoreListener>();
  readonly #historySize: number;
  #compactedThrough = 0;

  constructor(options: ObjectStoreOptions = {}) {
    this.#historySize = options.historySize ?? 10_000;
  }

  get revision(): number {
    return this.#revision;
  }

  /** The oldest revision a watch may resume from; anything older is 410 Expired. */
  get oldestResumable(): number {
    return this.#compactedThrough;
  }

  #table(resource: string): Map<string, KubeObject> {
    let table = this.#objects.get(resource);
    if (!table) {
      table = new Map();
      this.#objects.set(resource, table);
    }
    return table;
  }

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.#table(resource).get(key(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  list(resource: string, namespace?: string): KubeObject[] {
    const items = [...this.#table(resource).values()].filter((o) => namespace === undefined || o.metadata.namespace === namespace);
    items.sort((a, b) => key(a.metadata.namespace, a.metadata.name!).localeCompare(key(b.metadata.namespace, b.metadata.name!)));
    return items.map((o) => structuredClone(o));
  }

  /** Writes a new or changed object, stamping the next revision as its resourceVersion. */
  put(resource: string, object: KubeObject): KubeObject {
    const table = this.#table(resource);
    const k = key(object.metadata.namespace, object.metadata.name!);
    const previous = table.get(k);
    this.#revision++;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.#revision);
    table.set(k, stored);
    this.#emit({ type: previous ? "MODIFIED" : "ADDED", resource, revision: this.#revision, object: stored, previous });
    return structuredClone(stored);
  }

  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const table = this.#table(resource);
    const previous = table.get(key(namespace, name));
    if (!previous) return undefined;
    table.delete(key(namespace, name));
    this.#revision++;
    // The DELETED event carries the last state at the deletion's revision, as etcd's watch does.
    const gone = structuredClone(previous);
    gone.metadata.resourceVersion = String(this.#revision);
    this.#emit({ type: "DELETED", resource, revision: this.#revision, object: gone, previous });
    return structuredClone(gone);
  }

  /** Events after `revision` for one resource, or undefined if the history no longer reaches back. */
  since(resource: string, revision: number): StoreEvent[] | undefined {
    if (revision < this.#compactedThrough) return undefined;
    return this.#history.filter((e) => e.resource === resource && e.revision > revision);
  }

  /** Forgets all history up to now, as an etcd compaction would. */
  compact(): void {
    this.#history.length = 0;
    this.#compactedThrough = this.#revision;
  }

  subscribe(listener: StoreListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.#historySize) {
      const dropped = this.#history.splice(0, this.#history.length - this.#historySize);
      this.#compactedThrough = dropped.at(-1)!.revision;
    }
    for (const listener of [...this.#listeners]) listener(event);
  }
}
