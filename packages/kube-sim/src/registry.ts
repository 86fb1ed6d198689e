import { type Strategy, type StrategyContext, strategies } from "./kinds/index.ts";
import { ClusterIpAllocator } from "./kinds/service.ts";
import type { Namespace } from "./kinds/shapes.ts";
import { type FieldRequirement, matchesFields, parseFieldSelector } from "./field-selector.ts";
import { type LabelSelector, matchesLabels, parseLabelSelector } from "./label-selector.ts";
import { generateName, newUid, sameJson, timestamp } from "./meta.ts";
import { type PatchType, applyPatch } from "./patch.ts";
import { type ResourceInfo, resourceInfo } from "./resources.ts";
import { KubeError, alreadyExists, badRequest, conflict, forbidden, invalid, notFound } from "./status.ts";
import type { ObjectStore } from "./store.ts";
import type { KubeObject } from "./types.ts";
import { immutableMetaErrors, metadataErrors, nameErrors } from "./validation.ts";

export interface ListOptions {
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

export interface Selection {
  labels: LabelSelector;
  fields: FieldRequirement[];
}

export interface ObjectList {
  resourceVersion: string;
  items: KubeObject[];
}

export function resourceOrThrow(plural: string): ResourceInfo {
  const info = resourceInfo(plural);
  if (!info) throw new KubeError(404, "NotFound", `the server could not find the requested resource (${plural})`);
  return info;
}

/** Adds `kind`/`apiVersion`, which get/create/watch objects carry and list items do not. */
export function withKind(info: ResourceInfo, obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return { kind: info.kind, apiVersion: "v1", ...rest } as KubeObject;
}

function strip(obj: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = obj;
  return rest as KubeObject;
}

/**
 * The API semantics over the store: server-set metadata, defaults, validation, optimistic
 * concurrency, spec/status separation and generation. The HTTP layer and the in-process
 * controllers both write through it, so controllers see the same rules clients do.
 */
export class Registry {
  readonly store: ObjectStore;
  readonly #ctx: StrategyContext = { clusterIps: new ClusterIpAllocator() };

  constructor(store: ObjectStore) {
    this.store = store;
  }

  #strategy(plural: string): Strategy {
    return strategies[plural]!;
  }

  selection(info: ResourceInfo, options: ListOptions): Selection {
    return { labels: parseLabelSelector(options.labelSelector), fields: parseFieldSelector(options.fieldSelector, info.kind) };
  }

  matches(obj: KubeObject, selection: Selection): boolean {
    return matchesLabels(obj.metadata.labels, selection.labels) && matchesFields(obj, selection.fields);
  }

  get(plural: string, namespace: string | undefined, name: string): KubeObject {
    const info = resourceOrThrow(plural);
    const found = this.store.get(plural, namespace, name);
    if (!found) throw notFound(info.plural, name);
    return withKind(info, found);
  }

  find(plural: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(plural, namespace, name);
  }

  list(plural: string, namespace: string | undefined, options: ListOptions = {}): ObjectList {
    const info = resourceOrThrow(plural);
    const selection = this.selection(info, options);
    const items = this.store.list(plural, namespace).filter((o) => this.matches(o, selection));
    return { resourceVersion: String(this.store.revision), items: items.map(strip) };
  }

  #checkNamespace(info: ResourceInfo, namespace: string | undefined, name: string): void {
    if (!info.namespaced) return;
    const ns = this.store.get("namespaces", undefined, namespace ?? "") as Namespace | undefined;
    if (!ns) throw notFound("namespaces", namespace ?? "");
    if (ns.metadata.deletionTimestamp !== undefined) {
      const why = `unable to create new content in namespace ${namespace} because it is being terminated`;
      throw forbidden(info.plural, name, why, { reason: "NamespaceTerminating", message: why, field: "metadata.namespace" });
    }
  }

  #checkBody(info: ResourceInfo, body: KubeObject, namespace: string | undefined): void {
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw badRequest(`the body of a ${info.kind} must be a JSON object`);
    if (body.kind !== undefined && body.kind !== info.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${info.kind}) for ${info.plural}`);
    }
    if (body.apiVersion !== undefined && body.apiVersion !== "v1") {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (v1)`);
    }
    body.metadata ??= {};
    if (info.namespaced && body.metadata.namespace !== undefined && body.metadata.namespace !== namespace) {
      throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }
    if (info.namespaced) body.metadata.namespace = namespace!;
    else delete body.metadata.namespace;
  }

  create(plural: string, namespace: string | undefined, body: KubeObject): KubeObject {
    const info = resourceOrThrow(plural);
    this.#checkBody(info, body, namespace);
    const obj = strip(structuredClone(body));
    const meta = obj.metadata;
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    if (!meta.name)
      throw invalid(info.kind, "", [{ field: "metadata.name", type: "Required value", detail: "name or generateName is required" }]);
    const strategy = this.#strategy(plural);
    strategy.prepareCreate(obj, this.#ctx);
    const errors = [...nameErrors(info.nameRule, meta.name, "metadata.name"), ...metadataErrors(meta), ...strategy.validate(obj)];
    if (errors.length > 0) throw invalid(info.kind, meta.name, errors);
    this.#checkNamespace(info, namespace, meta.name);
    if (this.store.get(plural, namespace, meta.name)) {
      const error = alreadyExists(info.plural, meta.name);
      if (body.metadata.generateName && !body.metadata.name) error.details!.retryAfterSeconds = 1;
      throw error;
    }
    meta.uid = newUid();
    meta.creationTimestamp = timestamp();
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    if (strategy.tracksGeneration) meta.generation = 1;
    else delete meta.generation;
    return withKind(info, this.store.put(plural, obj));
  }

  /** PUT: the whole object; stale resourceVersion → 409; never creates; status kept as stored. */
  replace(plural: string, namespace: string | undefined, name: string, body: KubeObject): KubeObject {
    const info = resourceOrThrow(plural);
    this.#checkBody(info, body, namespace);
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    const current = this.store.get(plural, namespace, name);
    if (!current) throw notFound(info.plural, name);
    const next = structuredClone(body);
    next.metadata.name = name;
    this.#checkVersion(info, next, current);
    const strategy = this.#strategy(plural);
    const errors = [
      ...immutableMetaErrors(next.metadata, current.metadata),
      ...metadataErrors(next.metadata),
      ...strategy.prepareUpdate(next, current),
    ];
    errors.push(...strategy.validate(next));
    if (errors.length > 0) throw invalid(info.kind, name, errors);
    if (info.hasStatus) next.status = current.status;
    return this.#commit(info, strategy, next, current);
  }

  /** PUT …/status: only `status` (and the precondition) is taken from the body. */
  replaceStatus(plural: string, namespace: string | undefined, name: string, body: KubeObject): KubeObject {
    const info = resourceOrThrow(plural);
    if (!info.hasStatus) throw new KubeError(404, "NotFound", `the server could not find the requested resource (${plural}/status)`);
    this.#checkBody(info, body, namespace);
    const current = this.store.get(plural, namespace, name);
    if (!current) throw notFound(info.plural, name);
    this.#checkVersion(info, body, current);
    const next = { ...structuredClone(current), status: structuredClone(body.status) };
    return this.#commit(info, this.#strategy(plural), next, current);
  }

  /** PATCH: applied to the stored object; a `metadata.resourceVersion` in the patch is a precondition. */
  patch(plural: string, namespace: string | undefined, name: string, type: PatchType, patch: unknown, subresource?: "status"): KubeObject {
    const info = resourceOrThrow(plural);
    const current = this.store.get(plural, namespace, name);
    if (!current) throw notFound(info.plural, name);
    const patched = applyPatch(type, withKind(info, current), patch) as KubeObject;
    if (patched === null || typeof patched !== "object" || !patched.metadata) throw badRequest("the patch removed the object's metadata");
    if (patched.metadata.resourceVersion !== current.metadata.resourceVersion) {
      if (patched.metadata.resourceVersion === undefined) patched.metadata.resourceVersion = current.metadata.resourceVersion!;
      else throw conflict(info.plural, name);
    }
    return subresource === "status" ? this.replaceStatus(plural, namespace, name, patched) : this.replace(plural, namespace, name, patched);
  }

  /** Read-modify-write for the in-process controllers, retrying on conflicts as client-go's RetryOnConflict. */
  mutate(
    plural: string,
    namespace: string | undefined,
    name: string,
    change: (obj: KubeObject) => KubeObject | undefined,
    status = false,
  ): KubeObject | undefined {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = this.store.get(plural, namespace, name);
      if (!current) return undefined;
      const next = change(structuredClone(current));
      if (!next || sameJson(next, current)) return current;
      try {
        return status ? this.replaceStatus(plural, namespace, name, next) : this.replace(plural, namespace, name, next);
      } catch (error) {
        if (!(error instanceof KubeError && error.reason === "Conflict")) throw error;
      }
    }
    throw conflict(plural, name, "gave up after 5 conflicting attempts");
  }

  /** Writes metadata the API lets only the system change (deletionTimestamp, finalizers, spec.nodeName). */
  writeSystem(plural: string, obj: KubeObject): KubeObject {
    return this.store.put(plural, obj);
  }

  #checkVersion(info: ResourceInfo, next: KubeObject, current: KubeObject): void {
    const wanted = next.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== "" && wanted !== current.metadata.resourceVersion)
      throw conflict(info.plural, current.metadata.name!);
  }

  #commit(info: ResourceInfo, strategy: Strategy, next: KubeObject, current: KubeObject): KubeObject {
    next.metadata.uid = current.metadata.uid!;
    next.metadata.creationTimestamp = current.metadata.creationTimestamp!;
    next.metadata.namespace = current.metadata.namespace!;
    if (!info.namespaced) delete next.metadata.namespace;
    if (current.metadata.deletionTimestamp) next.metadata.deletionTimestamp = current.metadata.deletionTimestamp;
    else delete next.metadata.deletionTimestamp;
    if (current.metadata.deletionGracePeriodSeconds !== undefined)
      next.metadata.deletionGracePeriodSeconds = current.metadata.deletionGracePeriodSeconds;
    if (strategy.tracksGeneration) {
      const generation = current.metadata.generation ?? 1;
      next.metadata.generation = sameJson(next.spec, current.spec) ? generation : generation + 1;
    } else delete next.metadata.generation;
    delete next.kind;
    delete next.apiVersion;
    if (
      sameJson(
        { ...next, metadata: { ...next.metadata, resourceVersion: "" } },
        { ...current, metadata: { ...current.metadata, resourceVersion: "" } },
      )
    ) {
      // An update that changes nothing is not a write: the resourceVersion stays, no watch event.
      return withKind(info, current);
    }
    return withKind(info, this.store.put(info.plural, next));
  }
}
