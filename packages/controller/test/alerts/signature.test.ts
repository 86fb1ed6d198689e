import test from "ava";
import { webcrypto } from "node:crypto";
import { signWebhook, verifyWebhook, webhookHeaders } from "../../src/alerts/signature.ts";
import { newWebhookSecret } from "../../src/alerts/webhook-secret.ts";

const NOW_MS = 1_750_000_000_000;
const secret = newWebhookSecret();
const id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const body = JSON.stringify({ type: "alert.firing", data: { app: "myapp" } });

/** The same signature by another route — WebCrypto and atob — so a shared mistake cannot hide. */
async function webCryptoSignature(whsec: string, msgId: string, timestamp: number, payload: string): Promise<string> {
  const raw = Uint8Array.from(atob(whsec.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
  const key = await webcrypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await webcrypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${msgId}.${timestamp}.${payload}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}

test("signs the example of the Standard Webhooks libraries' test suite alike", (t) => {
  const signature = signWebhook(
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    "msg_p5jXN8AQM9LWM0D4loKWxJek",
    1614265330,
    '{"test": 2432232314}',
  );
  t.is(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
});

test("the signature is v1, and the base64 HMAC-SHA256 of id.timestamp.body", async (t) => {
  const signature = signWebhook(secret, id, 1_750_000_000, body);
  t.regex(signature, /^v1,[A-Za-z0-9+/]{43}=$/);
  t.is(signature, await webCryptoSignature(secret, id, 1_750_000_000, body));
});

test("webhook headers carry the id, the timestamp in whole seconds, the signature and the JSON type", async (t) => {
  const headers = webhookHeaders(secret, id, NOW_MS + 999, body);
  t.deepEqual(headers, {
    "webhook-id": id,
    "webhook-timestamp": "1750000000",
    "webhook-signature": await webCryptoSignature(secret, id, 1_750_000_000, body),
    "content-type": "application/json",
  });
});

test("a signed request verifies", (t) => {
  t.true(verifyWebhook(secret, webhookHeaders(secret, id, NOW_MS, body), body, { nowMs: NOW_MS }));
});

test("header names are matched whatever their case", (t) => {
  const headers = Object.fromEntries(
    Object.entries(webhookHeaders(secret, id, NOW_MS, body)).map(([name, value]) => [name.toUpperCase(), value]),
  );
  t.true(verifyWebhook(secret, headers, body, { nowMs: NOW_MS }));
});

test("a changed body, id, timestamp or secret does not verify", (t) => {
  const headers = webhookHeaders(secret, id, NOW_MS, body);
  const verify = (h: Record<string, string>, b = body, s = secret) => verifyWebhook(s, h, b, { nowMs: NOW_MS });
  t.false(verify(headers, `${body} `), "body");
  t.false(verify({ ...headers, "webhook-id": "msg_other" }), "id");
  t.false(verify({ ...headers, "webhook-timestamp": String(NOW_MS / 1000 + 1) }), "timestamp");
  t.false(verify(headers, body, newWebhookSecret()), "secret");
});

test("a timestamp outside the tolerance does not verify, however good its signature", (t) => {
  const old = webhookHeaders(secret, id, NOW_MS - 301_000, body);
  const early = webhookHeaders(secret, id, NOW_MS + 301_000, body);
  t.true(verifyWebhook(secret, webhookHeaders(secret, id, NOW_MS - 299_000, body), body, { nowMs: NOW_MS }), "within 5 minutes");
  t.false(verifyWebhook(secret, old, body, { nowMs: NOW_MS }), "stale");
  t.false(verifyWebhook(secret, early, body, { nowMs: NOW_MS }), "from the future");
  t.true(verifyWebhook(secret, old, body, { nowMs: NOW_MS, toleranceSeconds: 600 }), "a wider tolerance takes it");
});

test("one right signature among several space-separated ones verifies", (t) => {
  const headers = webhookHeaders(secret, id, NOW_MS, body);
  const wrong = signWebhook(newWebhookSecret(), id, NOW_MS / 1000, body);
  const signatures = [wrong, "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", headers["webhook-signature"], "garbage"].join(" ");
  t.true(verifyWebhook(secret, { ...headers, "webhook-signature": signatures }, body, { nowMs: NOW_MS }));
  t.false(verifyWebhook(secret, { ...headers, "webhook-signature": [wrong, "garbage"].join(" ") }, body, { nowMs: NOW_MS }));
});

test("a signature under another version prefix, cut short, or missing headers do not verify", (t) => {
  const headers = webhookHeaders(secret, id, NOW_MS, body);
  const signature = headers["webhook-signature"];
  const verify = (h: Record<string, string>) => verifyWebhook(secret, h, body, { nowMs: NOW_MS });
  t.false(verify({ ...headers, "webhook-signature": signature.replace("v1,", "v1a,") }), "v1a is the asymmetric scheme");
  t.false(verify({ ...headers, "webhook-signature": signature.slice(0, 20) }), "truncated");
  t.false(verify({ ...headers, "webhook-signature": "v1," }), "empty");
  t.false(verify({ ...headers, "webhook-timestamp": "soon" }), "timestamp not a number");
  const { "webhook-id": _id, ...withoutId } = headers;
  t.false(verify(withoutId), "no id");
});

test("an id with a dot in it is refused, since it would make signed contents ambiguous", (t) => {
  t.throws(() => signWebhook(secret, "msg.1", 1, body), { message: /webhook id/ });
});
