import { isDns1123Label } from "../validation.ts";
import type { FieldError } from "../status.ts";
import type { Container, Pod, PodSpec, Probe } from "./shapes.ts";

function defaultProbe(probe: Probe | undefined): void {
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) {
    probe.httpGet.path ??= "/";
    probe.httpGet.scheme ??= "HTTP";
  }
}

function defaultContainer(container: Container): void {
  const image = container.image ?? "";
  const tagged = /:[^/]+$/.test(image.replace(/@.*$/, "")) && !image.endsWith(":latest");
  container.imagePullPolicy ??= tagged || image.includes("@") ? "IfNotPresent" : "Always";
  container.terminationMessagePath ??= "/dev/termination-log";
  container.terminationMessagePolicy ??= "File";
  for (const port of container.ports ?? []) port.protocol ??= "TCP";
  defaultProbe(container.readinessProbe);
  defaultProbe(container.livenessProbe);
  defaultProbe(container.startupProbe);
}

/** SetDefaults_PodSpec and friends (pkg/apis/core/v1/defaults.go), for the fields Berth writes. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.schedulerName ??= "default-scheduler";
  spec.enableServiceLinks ??= true;
  for (const container of spec.containers ?? []) defaultContainer(container);
}

export function podSpecErrors(spec: PodSpec | undefined, field: string): FieldError[] {
  if (!spec || !Array.isArray(spec.containers) || spec.containers.length === 0) {
    return [{ field: `${field}.containers`, type: "Required value" }];
  }
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  spec.containers.forEach((c, i) => {
    const at = `${field}.containers[${i}]`;
    if (!c.name) errors.push({ field: `${at}.name`, type: "Required value" });
    else if (!isDns1123Label(c.name))
      errors.push({
        field: `${at}.name`,
        type: "Invalid value",
        value: c.name,
        detail:
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
      });
    else if (seen.has(c.name)) errors.push({ field: `${at}.name`, type: "Duplicate value", value: c.name });
    seen.add(c.name);
    if (!c.image) errors.push({ field: `${at}.image`, type: "Required value" });
    for (const [j, p] of (c.ports ?? []).entries()) {
      if (!Number.isInteger(p.containerPort) || p.containerPort < 1 || p.containerPort > 65535) {
        errors.push({
          field: `${at}.ports[${j}].containerPort`,
          type: "Invalid value",
          value: p.containerPort,
          detail: "must be between 1 and 65535, inclusive",
        });
      }
    }
  });
  const policies = ["Always", "OnFailure", "Never"];
  if (spec.restartPolicy !== undefined && !policies.includes(spec.restartPolicy)) {
    errors.push({
      field: `${field}.restartPolicy`,
      type: "Unsupported value",
      value: spec.restartPolicy,
      detail: `supported values: "Always", "OnFailure", "Never"`,
    });
  }
  return errors;
}

function qosClass(spec: PodSpec): string {
  const all = spec.containers.map((c) => c.resources ?? {});
  if (all.every((r) => !r.limits && !r.requests)) return "BestEffort";
  const guaranteed = all.every(
    (r) => r.limits?.cpu && r.limits?.memory && (!r.requests || (r.requests.cpu === r.limits.cpu && r.requests.memory === r.limits.memory)),
  );
  return guaranteed ? "Guaranteed" : "Burstable";
}

export function preparePodCreate(pod: Pod): void {
  pod.spec ??= { containers: [] };
  defaultPodSpec(pod.spec);
  pod.status = { phase: "Pending", qosClass: qosClass(pod.spec) };
}

/** Pod spec is immutable apart from container images (ValidatePodUpdate). */
export function podUpdateErrors(next: Pod, current: Pod): FieldError[] {
  const strip = (spec: PodSpec) => ({
    ...spec,
    containers: spec.containers.map((c) => ({ ...c, image: "" })),
    activeDeadlineSeconds: undefined,
  });
  if (JSON.stringify(strip(next.spec)) === JSON.stringify(strip(current.spec))) return [];
  return [
    {
      field: "spec",
      type: "Forbidden",
      detail:
        "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    },
  ];
}
