import test from "ava";
import { redactConfig } from "../src/domain/redact.ts";

test("masks an echoed environment entry of the app's keys, whatever its value", (t) => {
  const message = 'container create: invalid environment variable: "DB_PASSWORD=s3cr\u0000et" (and API_KEY=abc)';
  t.is(
    redactConfig(message, { DB_PASSWORD: "s3cr\u0000et", API_KEY: "abc" }),
    'container create: invalid environment variable: "DB_PASSWORD=[redacted]" (and API_KEY=[redacted])',
  );
});

test("masks every value of four characters or more wherever it appears, longest first", (t) => {
  t.is(
    redactConfig("token hunter2hunter2 and hunter2 in a path", { A: "hunter2", B: "hunter2hunter2" }),
    "token [redacted] and [redacted] in a path",
  );
});

test("leaves short values and other text alone", (t) => {
  t.is(redactConfig("web.1 exited with code 1 after 1s", { DEBUG: "1", ON: "yes" }), "web.1 exited with code 1 after 1s");
  t.is(redactConfig("no config", {}), "no config");
});
