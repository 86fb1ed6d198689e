import test from "ava";
import { createJsonLogger, redact } from "../src/index.ts";

test("secret-looking fields are redacted at any depth, other fields kept", (t) => {
  const out = redact({ app: "web", password: "p", nested: { apiToken: "t", list: [{ builderKey: "k" }] }, values: { A: "1" } });
  t.deepEqual(out, { app: "web", password: "[redacted]", nested: { apiToken: "[redacted]", list: [{ builderKey: "[redacted]" }] }, values: "[redacted]" });
});

test("a JSON logger writes one line per call with level, message and fields, above its level", (t) => {
  const lines: string[] = [];
  const logger = createJsonLogger((line) => lines.push(line), "info").child({ service: "controller" });
  logger.debug("hidden");
  logger.info("release created", { app: "web", token: "abc" });
  t.is(lines.length, 1);
  const line = JSON.parse(lines[0] ?? "{}");
  t.like(line, { level: "info", msg: "release created", service: "controller", app: "web", token: "[redacted]" });
});

test("errors are logged with their message and cause chain", (t) => {
  const out = redact({ err: new Error("outer", { cause: new Error("inner") }) }) as { err: { message: string; cause: { message: string } } };
  t.is(out.err.message, "outer");
  t.is(out.err.cause.message, "inner");
});
