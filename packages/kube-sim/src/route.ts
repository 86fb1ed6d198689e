import { type ResourceInfo, resourceInfo } from "./resources.ts";
import { KubeError } from "./status.ts";

/** What a request path names under /api/v1. */
export type Target =
  | { scope: "collection"; info: ResourceInfo; namespace: string | undefined }
  | { scope: "item"; info: ResourceInfo; namespace: string | undefined; name: string }
  | { scope: "subresource"; info: ResourceInfo; namespace: string | undefined; name: string; subresource: string };

const notServed = (path: string): KubeError => new KubeError(404, "NotFound", `the server could not find the requested resource (${path})`);

function known(plural: string, path: string): ResourceInfo {
  const info = resourceInfo(plural);
  if (!info) throw notServed(path);
  return info;
}

export function parseTarget(path: string): Target {
  const parts = path
    .replace(/^\/api\/v1\/?/, "")
    .split("/")
    .filter((p) => p !== "")
    .map(decodeURIComponent);
  const [first, second, third, fourth, fifth, ...rest] = parts;
  if (rest.length > 0 || first === undefined) throw notServed(path);
  if (first !== "namespaces") {
    if (second !== undefined) throw notServed(path);
    const info = known(first, path);
    return { scope: "collection", info, namespace: undefined };
  }
  const namespaces = known("namespaces", path);
  if (second === undefined) return { scope: "collection", info: namespaces, namespace: undefined };
  if (third === undefined) return { scope: "item", info: namespaces, namespace: undefined, name: second };
  const inner = resourceInfo(third);
  if (!inner?.namespaced) {
    if (fourth === undefined && namespaces.subresources.includes(third)) {
      return { scope: "subresource", info: namespaces, namespace: undefined, name: second, subresource: third };
    }
    throw notServed(path);
  }
  if (fourth === undefined) return { scope: "collection", info: inner, namespace: second };
  if (fifth === undefined) return { scope: "item", info: inner, namespace: second, name: fourth };
  if (!inner.subresources.includes(fifth)) throw notServed(path);
  return { scope: "subresource", info: inner, namespace: second, name: fourth, subresource: fifth };
}
