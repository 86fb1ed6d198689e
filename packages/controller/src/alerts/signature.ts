import { createHmac, timingSafeEqual } from "node:crypto";
import { invalid } from "../errors.ts";
import { secretBytes } from "./webhook-secret.ts";

/** The headers of a signed Standard Webhooks request. A type, not an interface, so it passes as a header record. */
export type WebhookHeaders = {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
  "content-type": "application/json";
};

export interface VerifyWebhookOptions {
  /** How far the timestamp may be from now, either way, before the request counts as a replay. */
  toleranceSeconds?: number;
  nowMs?: number;
}

/** Headers as node:http hands them over (`IncomingHttpHeaders`) or as a plain object. */
export type ReceivedHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

const VERSION = "v1";
const SHA256_BYTES = 32;

function hmac(key: Buffer, id: string, timestampSeconds: number | string, body: string): Buffer {
  return createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest();
}

/**
 * `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`. The id may not hold a ".", since the signed
 * content is split on them: "a.1" + "2" and "a" + "1.2" would sign alike.
 */
export function signWebhook(secret: string, id: string, timestampSeconds: number, body: string): string {
  if (id === "" || id.includes("."))
    throw invalid("id", 'a webhook id must be non-empty and hold no "."', "use the notification's generated id");
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw invalid("timestamp", "must be whole seconds since the epoch", "pass Math.floor(Date.now() / 1000)");
  }
  return `${VERSION},${hmac(secretBytes(secret), id, timestampSeconds, body).toString("base64")}`;
}

/** Everything a delivery adds to its POST: id, timestamp of this attempt, signature, content type. */
export function webhookHeaders(secret: string, id: string, nowMs: number, body: string): WebhookHeaders {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signWebhook(secret, id, timestamp, body),
    "content-type": "application/json",
  };
}

function header(headers: ReceivedHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === "string" ? value : value?.join(" ");
  }
  return undefined;
}

/**
 * Whether a received request carries a valid signature of `body` by `secret`, at a timestamp within
 * the tolerance. Any one of several space-separated signatures may match (the sender may sign with an
 * old and a new secret while rotating). Compares in constant time. Throws only when `secret` itself is
 * malformed, which is the receiver's configuration error, not the request's.
 */
export function verifyWebhook(secret: string, headers: ReceivedHeaders, body: string, options: VerifyWebhookOptions = {}): boolean {
  const key = secretBytes(secret);
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (id === undefined || timestamp === undefined || signatures === undefined || !/^\d{1,15}$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((options.nowMs ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = hmac(key, id, timestamp, body);
  let matched = false;
  for (const signature of signatures.split(" ")) {
    const comma = signature.indexOf(",");
    if (signature.slice(0, comma) !== VERSION) continue;
    const given = Buffer.from(signature.slice(comma + 1), "base64");
    // Every candidate is compared, a match does not end the loop early, so timing says nothing about which matched.
    if (given.length === SHA256_BYTES && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}
