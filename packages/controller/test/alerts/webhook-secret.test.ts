import test from "ava";
import { BerthError } from "../../src/errors.ts";
import { newWebhookSecret, secretBytes } from "../../src/alerts/webhook-secret.ts";

test("a new secret is whsec_ and the base64 of 32 random bytes", (t) => {
  const secret = newWebhookSecret();
  t.regex(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.is(secretBytes(secret).length, 32);
  t.not(newWebhookSecret(), secret);
});

test("a secret decodes to the bytes its base64 holds", (t) => {
  const bytes = Buffer.from("0123456789abcdefghijklmn");
  t.deepEqual(secretBytes(`whsec_${bytes.toString("base64")}`), bytes);
});

test("a secret without the prefix, not base64, or of the wrong size is refused without being repeated", (t) => {
  const refused = [
    Buffer.alloc(32).toString("base64"),
    "whsec_not base64 at all!",
    `whsec_${Buffer.alloc(16).toString("base64")}`,
    `whsec_${Buffer.alloc(65).toString("base64")}`,
    "whsec_",
  ];
  for (const secret of refused) {
    const error = t.throws(() => secretBytes(secret), { instanceOf: BerthError });
    t.like(error, { code: "VALIDATION_FAILED", field: "secret" });
    t.truthy(error?.hint);
    if (secret.length > "whsec_".length) t.false(error?.message.includes(secret.slice(6)), "the message does not repeat the secret");
  }
});
