import type { FieldError } from "../status.ts";
import type { Secret } from "./shapes.ts";

const keyPattern = /^[-._a-zA-Z0-9]+$/;
const maxSecretSize = 1024 * 1024;

/** `stringData` is write-only: merged into `data` (winning over the same keys) and never stored. */
export function prepareSecret(secret: Secret): void {
  secret.type ??= "Opaque";
  if (secret.stringData) {
    secret.data ??= {};
    for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(v, "utf8").toString("base64");
    delete secret.stringData;
  }
}

export function secretErrors(secret: Secret): FieldError[] {
  const errors: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(secret.data ?? {})) {
    if (k.length > 253 || !keyPattern.test(k)) {
      errors.push({
        field: `data[${k}]`,
        type: "Invalid value",
        value: k,
        detail:
          "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      });
    }
    if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) {
      errors.push({ field: `data[${k}]`, type: "Invalid value", value: "<secret contents redacted>", detail: "must be base64-encoded" });
    } else size += Buffer.from(v, "base64").length;
  }
  if (size > maxSecretSize) errors.push({ field: "data", type: "Too long", detail: `must have at most ${maxSecretSize} bytes` });
  return errors;
}

export function secretUpdateErrors(next: Secret, current: Secret): FieldError[] {
  const errors: FieldError[] = [];
  if (next.type !== current.type) errors.push({ field: "type", type: "Invalid value", value: next.type, detail: "field is immutable" });
  if (current.immutable === true) {
    if (JSON.stringify(next.data ?? {}) !== JSON.stringify(current.data ?? {}))
      errors.push({ field: "data", type: "Forbidden", detail: "field is immutable when `immutable` is set" });
    if (next.immutable !== true)
      errors.push({ field: "immutable", type: "Forbidden", detail: "field is immutable when `immutable` is set" });
  }
  return errors;
}
