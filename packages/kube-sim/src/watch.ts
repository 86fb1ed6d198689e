import type { ServerResponse } from "node:http";
import type { Registry, Selection } from "./registry.ts";
import { withKind } from "./registry.ts";
import type { ResourceInfo } from "./resources.ts";
import { badRequest, expired } from "./status.ts";
import type { StoreEvent } from "./store.ts";
import type { KubeObject } from "./types.ts";

export interface WatchRequest {
  info: ResourceInfo;
  namespace: string | undefined;
  selection: Selection;
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  allowWatchBookmarks: boolean;
}

export interface WatchOptions {
  /** How often a BOOKMARK goes out when the client asked for them. */
  bookmarkIntervalMs: number;
}

/**
 * A watch stream: newline-delimited `{type, object}` events on a 200 response that stays open.
 * Selector transitions follow the cacher: an object that starts matching is ADDED, one that stops is
 * DELETED with its previous content at the new resourceVersion.
 */
export function serveWatch(res: ServerResponse, registry: Registry, request: WatchRequest, options: WatchOptions): () => void {
  const { info, namespace, selection } = request;
  const rv = request.resourceVersion;
  let replay: StoreEvent[] | undefined = [];
  if (rv !== undefined && rv !== "" && rv !== "0") {
    if (!/^\d+$/.test(rv)) throw badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
    replay = registry.store.since(info.plural, Number(rv));
  }
  res.writeHead(200, { "Content-Type": "application/json", "Transfer-Encoding": "chunked", "Cache-Control": "no-cache" });
  res.flushHeaders();
  const send = (type: string, object: unknown): void => {
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  if (replay === undefined) {
    const status = expired(`too old resource version: ${rv} (${registry.store.oldestResumable})`).toStatus();
    send("ERROR", status);
    res.end();
    return () => {};
  }
  const inScope = (obj: KubeObject | undefined): obj is KubeObject =>
    obj !== undefined && (namespace === undefined || obj.metadata.namespace === namespace) && registry.matches(obj, selection);
  const deliver = (event: StoreEvent): void => {
    if (event.resource !== info.plural) return;
    const now = inScope(event.object);
    const before = event.type !== "ADDED" && inScope(event.previous);
    if (event.type === "DELETED") {
      if (before) send("DELETED", withKind(info, event.object));
    } else if (now && before) send("MODIFIED", withKind(info, event.object));
    else if (now) send("ADDED", withKind(info, event.object));
    else if (before) {
      const last = structuredClone(event.previous!);
      last.metadata.resourceVersion = event.object.metadata.resourceVersion!;
      send("DELETED", withKind(info, last));
    }
  };
  if (rv === undefined || rv === "" || rv === "0") {
    for (const obj of registry.store.list(info.plural, namespace)) if (inScope(obj)) send("ADDED", withKind(info, obj));
  } else for (const event of replay) deliver(event);
  const unsubscribe = registry.store.subscribe(deliver);
  const timers: NodeJS.Timeout[] = [];
  const stop = (): void => {
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) timers.push(setTimeout(stop, request.timeoutSeconds * 1000));
  if (request.allowWatchBookmarks) {
    timers.push(
      setInterval(
        () => send("BOOKMARK", { kind: info.kind, apiVersion: "v1", metadata: { resourceVersion: String(registry.store.revision) } }),
        options.bookmarkIntervalMs,
      ),
    );
  }
  res.on("close", stop);
  return stop;
}
