import type { IncomingMessage, ServerResponse } from "node:http";
import { type DeleteResult, type Deleter, parseDeleteOptions } from "./deletion.ts";
import { readJson, sendJson } from "./http-io.ts";
import type { Pod } from "./kinds/shapes.ts";
import { patchTypeOf } from "./patch.ts";
import { type PodLogSource, parseLogRequest } from "./pod-logs.ts";
import type { Registry } from "./registry.ts";
import type { Target } from "./route.ts";
import { getScale, patchScale, replaceScale } from "./scale.ts";
import { KubeError, badRequest, methodNotAllowed, unsupportedMediaType } from "./status.ts";
import type { KubeObject } from "./types.ts";
import { type WatchOptions, serveWatch } from "./watch.ts";
import { paginate } from "./pagination.ts";

export interface HandlerDeps {
  registry: Registry;
  deleter: Deleter;
  logs: PodLogSource;
  watch: WatchOptions;
}

async function objectBody(req: IncomingMessage): Promise<KubeObject> {
  const type = (req.headers["content-type"] ?? "application/json").split(";")[0]!.trim();
  if (type !== "application/json") throw unsupportedMediaType(type);
  const body = await readJson(req);
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw badRequest("the request body must be a JSON object");
  return body as KubeObject;
}

function sendDelete(res: ServerResponse, result: DeleteResult): void {
  sendJson(res, 200, result.kind === "object" ? result.object : result.status);
}

const flag = (q: URLSearchParams, name: string): boolean => q.get(name) === "true" || q.get(name) === "1";

async function collection(
  req: IncomingMessage,
  res: ServerResponse,
  target: Extract<Target, { scope: "collection" }>,
  q: URLSearchParams,
  deps: HandlerDeps,
): Promise<void> {
  const { info, namespace } = target;
  const list = { labelSelector: q.get("labelSelector") ?? undefined, fieldSelector: q.get("fieldSelector") ?? undefined };
  if (req.method === "GET" && flag(q, "watch")) {
    const timeout = q.get("timeoutSeconds");
    serveWatch(
      res,
      deps.registry,
      {
        info,
        namespace,
        selection: deps.registry.selection(info, list),
        resourceVersion: q.get("resourceVersion") ?? undefined,
        timeoutSeconds: timeout === null ? undefined : Number(timeout),
        allowWatchBookmarks: flag(q, "allowWatchBookmarks"),
      },
      deps.watch,
    );
    return;
  }
  if (req.method === "GET") {
    const all = deps.registry.list(info.plural, namespace, list);
    const page = paginate(all, q.get("limit"), q.get("continue"));
    const metadata: Record<string, string> = { resourceVersion: page.resourceVersion };
    if (page.continue) metadata.continue = page.continue;
    sendJson(res, 200, { kind: `${info.kind}List`, apiVersion: "v1", metadata, items: page.items });
    return;
  }
  const namespacedWithout = info.namespaced && namespace === undefined;
  if (req.method === "POST" && !namespacedWithout) {
    sendJson(res, 201, deps.registry.create(info.plural, namespace, await objectBody(req)));
    return;
  }
  if (req.method === "DELETE" && !namespacedWithout && info.plural !== "namespaces") {
    const options = parseDeleteOptions(await readJson(req), q);
    const doomed = deps.registry.list(info.plural, namespace, list);
    deps.deleter.deleteCollection(info.plural, namespace, list, options);
    sendJson(res, 200, {
      kind: `${info.kind}List`,
      apiVersion: "v1",
      metadata: { resourceVersion: String(deps.registry.store.revision) },
      items: doomed.items,
    });
    return;
  }
  throw methodNotAllowed(req.method ?? "", info.plural);
}

async function item(
  req: IncomingMessage,
  res: ServerResponse,
  target: Extract<Target, { scope: "item" }>,
  q: URLSearchParams,
  deps: HandlerDeps,
): Promise<void> {
  const { info, namespace, name } = target;
  switch (req.method) {
    case "GET":
      return sendJson(res, 200, deps.registry.get(info.plural, namespace, name));
    case "PUT":
      return sendJson(res, 200, deps.registry.replace(info.plural, namespace, name, await objectBody(req)));
    case "PATCH": {
      const type = patchTypeOf(req.headers["content-type"]);
      return sendJson(res, 200, deps.registry.patch(info.plural, namespace, name, type, await readJson(req)));
    }
    case "DELETE":
      return sendDelete(res, deps.deleter.delete(info.plural, namespace, name, parseDeleteOptions(await readJson(req), q)));
    default:
      throw methodNotAllowed(req.method ?? "", `${info.plural}/${name}`);
  }
}

async function subresource(
  req: IncomingMessage,
  res: ServerResponse,
  target: Extract<Target, { scope: "subresource" }>,
  q: URLSearchParams,
  deps: HandlerDeps,
): Promise<void> {
  const { info, namespace, name, subresource: sub } = target;
  const method = req.method ?? "";
  if (sub === "status") {
    if (method === "GET") return sendJson(res, 200, deps.registry.get(info.plural, namespace, name));
    if (method === "PUT") return sendJson(res, 200, deps.registry.replaceStatus(info.plural, namespace, name, await objectBody(req)));
    if (method === "PATCH") {
      const type = patchTypeOf(req.headers["content-type"]);
      return sendJson(res, 200, deps.registry.patch(info.plural, namespace, name, type, await readJson(req), "status"));
    }
  }
  if (sub === "scale" && namespace !== undefined) {
    if (method === "GET") return sendJson(res, 200, getScale(deps.registry, namespace, name));
    if (method === "PUT") return sendJson(res, 200, replaceScale(deps.registry, namespace, name, await objectBody(req)));
    if (method === "PATCH")
      return sendJson(res, 200, patchScale(deps.registry, namespace, name, patchTypeOf(req.headers["content-type"]), await readJson(req)));
  }
  if (sub === "log" && method === "GET") {
    const pod = deps.registry.get("pods", namespace, name) as Pod;
    const request = parseLogRequest(pod, q);
    const stream = await deps.logs.logs(pod, request);
    res.writeHead(200, { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" });
    res.flushHeaders();
    stream.pipe(res);
    res.on("close", () => stream.destroy());
    return;
  }
  if (sub === "finalize")
    throw new KubeError(
      405,
      "MethodNotAllowed",
      "the simulator does not serve namespaces/finalize: the namespace controller removes the finalizer itself",
    );
  throw methodNotAllowed(method, `${info.plural}/${name}/${sub}`);
}

export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  target: Target,
  q: URLSearchParams,
  deps: HandlerDeps,
): Promise<void> {
  if (target.scope === "collection") return collection(req, res, target, q, deps);
  if (target.scope === "item") return item(req, res, target, q, deps);
  return subresource(req, res, target, q, deps);
}
