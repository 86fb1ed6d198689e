import type { FieldError } from "./status.ts";
import type { ObjectMeta } from "./types.ts";
import type { ResourceInfo } from "./resources.ts";

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && dns1123Label.test(value);
}

/** The apimachinery message for a name failing its kind's rule. */
export function nameErrors(rule: ResourceInfo["nameRule"], name: string, field: string): FieldError[] {
  if (rule === "dns1123Label" && !isDns1123Label(name)) {
    const detail =
      name.length > 63
        ? "must be no more than 63 characters"
        : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    return [{ field, type: "Invalid value", value: name, detail }];
  }
  if (rule === "dns1035Label" && !(name.length <= 63 && dns1035Label.test(name))) {
    const detail =
      name.length > 63
        ? "must be no more than 63 characters"
        : "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    return [{ field, type: "Invalid value", value: name, detail }];
  }
  if (rule === "dns1123Subdomain" && !(name.length <= 253 && dns1123Subdomain.test(name))) {
    const detail =
      name.length > 253
        ? "must be no more than 253 characters"
        : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    return [{ field, type: "Invalid value", value: name, detail }];
  }
  return [];
}

function qualifiedNameErrors(key: string, field: string): FieldError[] {
  const slash = key.indexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok = (prefix === undefined || (prefix.length <= 253 && dns1123Subdomain.test(prefix))) && name.length <= 63 && labelName.test(name);
  if (ok) return [];
  return [
    {
      field,
      type: "Invalid value",
      value: key,
      detail:
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    },
  ];
}

export function labelErrors(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errors.push(...qualifiedNameErrors(k, field));
    if (typeof v !== "string" || v.length > 63 || !(v === "" || labelName.test(v))) {
      errors.push({
        field,
        type: "Invalid value",
        value: v,
        detail:
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      });
    }
  }
  return errors;
}

/** Metadata rules common to every kind (apimachinery ValidateObjectMeta), apart from the name itself. */
export function metadataErrors(meta: ObjectMeta): FieldError[] {
  const errors = labelErrors(meta.labels, "metadata.labels");
  for (const k of Object.keys(meta.annotations ?? {})) errors.push(...qualifiedNameErrors(k, "metadata.annotations"));
  return errors;
}

/** Fields an update may not change (ValidateObjectMetaAccessorUpdate). */
export function immutableMetaErrors(next: ObjectMeta, current: ObjectMeta): FieldError[] {
  const errors: FieldError[] = [];
  // Times compare as instants: clients re-serialise them with fractions ("…:43.000Z").
  const same = (a: unknown, b: unknown): boolean =>
    a === b || (typeof a === "string" && typeof b === "string" && Date.parse(a) === Date.parse(b));
  const check = (field: keyof ObjectMeta) => {
    const value = next[field];
    if (value !== undefined && !same(value, current[field])) {
      errors.push({ field: `metadata.${field}`, type: "Invalid value", value, detail: "field is immutable" });
    }
  };
  check("uid");
  check("creationTimestamp");
  return errors;
}
