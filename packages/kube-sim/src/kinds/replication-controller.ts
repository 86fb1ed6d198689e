import type { FieldError } from "../status.ts";
import { labelErrors } from "../validation.ts";
import { defaultPodSpec, podSpecErrors } from "./pod.ts";
import type { ReplicationController } from "./shapes.ts";

/** SetDefaults_ReplicationController: replicas 1, selector and labels taken from the template. */
export function defaultReplicationController(rc: ReplicationController): void {
  rc.spec ??= {};
  const spec = rc.spec;
  spec.replicas ??= 1;
  spec.minReadySeconds ??= 0;
  const templateLabels = spec.template?.metadata?.labels;
  if (templateLabels && Object.keys(templateLabels).length > 0) {
    if (!spec.selector || Object.keys(spec.selector).length === 0) spec.selector = { ...templateLabels };
    if (!rc.metadata.labels || Object.keys(rc.metadata.labels).length === 0) rc.metadata.labels = { ...templateLabels };
  }
  if (spec.template?.spec) defaultPodSpec(spec.template.spec);
}

/** ValidateReplicationControllerSpec, for what Berth writes. */
export function replicationControllerErrors(rc: ReplicationController): FieldError[] {
  const spec = rc.spec;
  const errors: FieldError[] = [];
  if (!Number.isInteger(spec.replicas) || spec.replicas! < 0) {
    errors.push({ field: "spec.replicas", type: "Invalid value", value: spec.replicas, detail: "must be greater than or equal to 0" });
  }
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) errors.push({ field: "spec.selector", type: "Required value" });
  errors.push(...labelErrors(selector, "spec.selector"));
  const template = spec.template;
  if (!template) {
    errors.push({ field: "spec.template", type: "Required value" });
    return errors;
  }
  const labels = template.metadata?.labels ?? {};
  const matches = Object.entries(selector).every(([k, v]) => labels[k] === v);
  if (Object.keys(selector).length > 0 && !matches) {
    errors.push({
      field: "spec.template.metadata.labels",
      type: "Invalid value",
      value: labels,
      detail: "`selector` does not match template `labels`",
    });
  }
  errors.push(...labelErrors(labels, "spec.template.metadata.labels"));
  errors.push(...podSpecErrors(template.spec, "spec.template.spec"));
  if (template.spec && template.spec.restartPolicy !== "Always") {
    errors.push({
      field: "spec.template.spec.restartPolicy",
      type: "Unsupported value",
      value: template.spec.restartPolicy,
      detail: `supported values: "Always"`,
    });
  }
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errors.push({
      field: "spec.template.spec.activeDeadlineSeconds",
      type: "Forbidden",
      detail: "activeDeadlineSeconds in ReplicationController is not Supported",
    });
  }
  return errors;
}
