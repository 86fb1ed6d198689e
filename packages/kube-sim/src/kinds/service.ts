import type { FieldError } from "../status.ts";
import { isDns1123Label } from "../validation.ts";
import type { Service } from "./shapes.ts";

/** Hands out ClusterIPs from 10.96.0.0/16 as kind does; .1 would be default/kubernetes. */
export class ClusterIpAllocator {
  #next = 10;
  allocate(): string {
    const n = this.#next++;
    return `10.96.${Math.floor(n / 256) % 256}.${n % 256}`;
  }
}

export function defaultService(svc: Service): void {
  svc.spec ??= {};
  const spec = svc.spec;
  spec.type ??= "ClusterIP";
  spec.sessionAffinity ??= "None";
  spec.internalTrafficPolicy ??= "Cluster";
  if (spec.type !== "ExternalName") {
    spec.ipFamilies ??= ["IPv4"];
    spec.ipFamilyPolicy ??= "SingleStack";
  }
  for (const port of spec.ports ?? []) {
    port.protocol ??= "TCP";
    port.targetPort ??= port.port;
  }
}

export function serviceErrors(svc: Service): FieldError[] {
  const spec = svc.spec;
  const errors: FieldError[] = [];
  const types = ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"];
  if (!types.includes(spec.type ?? "")) {
    errors.push({
      field: "spec.type",
      type: "Unsupported value",
      value: spec.type,
      detail: `supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`,
    });
  }
  const ports = spec.ports ?? [];
  if (ports.length === 0 && spec.type !== "ExternalName" && spec.clusterIP !== "None")
    errors.push({ field: "spec.ports", type: "Required value" });
  const names = new Set<string>();
  const pairs = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errors.push({ field: `${at}.name`, type: "Required value" });
    if (p.name) {
      if (!isDns1123Label(p.name))
        errors.push({
          field: `${at}.name`,
          type: "Invalid value",
          value: p.name,
          detail: "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'",
        });
      if (names.has(p.name)) errors.push({ field: `${at}.name`, type: "Duplicate value", value: p.name });
      names.add(p.name);
    }
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
      errors.push({ field: `${at}.port`, type: "Invalid value", value: p.port, detail: "must be between 1 and 65535, inclusive" });
    }
    const pair = `${p.port}/${p.protocol}`;
    if (pairs.has(pair)) errors.push({ field: `${at}`, type: "Duplicate value", value: { port: p.port, protocol: p.protocol } });
    pairs.add(pair);
    if (spec.type === "ClusterIP" && p.nodePort !== undefined) {
      errors.push({ field: `${at}.nodePort`, type: "Forbidden", detail: "may not be used when `type` is 'ClusterIP'" });
    }
  });
  return errors;
}

export function prepareServiceCreate(svc: Service, allocator: ClusterIpAllocator): void {
  defaultService(svc);
  if (svc.spec.type !== "ExternalName" && svc.spec.clusterIP !== "None") {
    svc.spec.clusterIP = allocator.allocate();
    svc.spec.clusterIPs = [svc.spec.clusterIP];
  } else if (svc.spec.clusterIP === "None") svc.spec.clusterIPs = ["None"];
  svc.status = { loadBalancer: {} };
}

/** A PUT that omits the clusterIP keeps the allocated one; changing it is refused. */
export function prepareServiceUpdate(next: Service, current: Service): FieldError[] {
  defaultService(next);
  if (next.spec.clusterIP === undefined || next.spec.clusterIP === "") {
    if (current.spec.clusterIP !== undefined) next.spec.clusterIP = current.spec.clusterIP;
    if (current.spec.clusterIPs !== undefined) next.spec.clusterIPs = current.spec.clusterIPs;
    return [];
  }
  if (next.spec.clusterIP !== current.spec.clusterIP) {
    return [{ field: "spec.clusterIPs[0]", type: "Invalid value", value: next.spec.clusterIP, detail: "may not change once set" }];
  }
  if (current.spec.clusterIPs !== undefined) next.spec.clusterIPs ??= current.spec.clusterIPs;
  return [];
}
