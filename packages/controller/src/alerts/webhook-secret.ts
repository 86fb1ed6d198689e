import { randomBytes } from "node:crypto";
import { invalid } from "../errors.ts";

const PREFIX = "whsec_";
/** Standard Webhooks: at least 24 bytes (192 bits), at most 64 (512 bits). */
const MIN_BYTES = 24;
const MAX_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A new signing secret for one endpoint: `whsec_` + base64 of 32 random bytes. Shown to its owner once. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

/**
 * The key bytes of a `whsec_` secret. Refuses anything else rather than guessing, because a secret the
 * receiver decodes differently from us yields signatures that never verify, with no clue why. The
 * message never repeats the secret.
 */
export function secretBytes(secret: string): Buffer {
  const encoded = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : null;
  const bytes = encoded !== null && BASE64.test(encoded) && encoded.length % 4 === 0 ? Buffer.from(encoded, "base64") : null;
  if (bytes === null || bytes.length < MIN_BYTES || bytes.length > MAX_BYTES) {
    throw invalid(
      "secret",
      `is not a webhook signing secret: expected "whsec_" followed by the base64 of ${MIN_BYTES} to ${MAX_BYTES} bytes`,
      "leave the secret out to have Berth generate one, or make one with `echo whsec_$(openssl rand -base64 32)`",
    );
  }
  return bytes;
}
