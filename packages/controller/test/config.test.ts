import { eachBackend, rejects } from "./helpers/backend-test.ts";
import { startController } from "./helpers/controller.ts";

eachBackend("setting config makes a new release with a summary of what changed", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("cfg");
  const config = await alice.config.set("cfg", { values: { FOO: "bar", BAZ: "1" } });
  t.deepEqual(config.values, { FOO: "bar", BAZ: "1" });
  await alice.config.set("cfg", { values: { FOO: "qux", BAZ: null, NEW: "x" } });
  t.deepEqual((await alice.config.get("cfg")).values, { FOO: "qux", NEW: "x" });
  const releases = await alice.releases.list("cfg");
  t.deepEqual(
    releases.results.map((r) => [r.version, r.summary]),
    [
      [3, "alice changed FOO, removed BAZ, added NEW"],
      [2, "alice added FOO, added BAZ"],
      [1, "alice created initial release"],
    ],
  );
});

eachBackend("values with spaces, equals signs, newlines and unicode round-trip exactly", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("cfg");
  const values = { A: "two words", B: "x=y=z", C: "line1\nline2\n", D: "ünïcødé ✓", E: "" };
  await alice.config.set("cfg", { values });
  t.deepEqual((await alice.config.get("cfg")).values, values);
});

eachBackend("a change that changes nothing is refused with 409 and makes no release", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("cfg");
  await alice.config.set("cfg", { values: { FOO: "bar" } });
  await rejects(t, alice.config.set("cfg", { values: { FOO: "bar" } }), 409, "NOTHING_CHANGED");
  await rejects(t, alice.config.set("cfg", { values: { MISSING: null } }), 409, "NOTHING_CHANGED");
  await rejects(t, alice.config.set("cfg", {}), 409, "NOTHING_CHANGED");
  t.is((await alice.releases.list("cfg")).count, 2);
});

eachBackend("limits and healthchecks per process type are part of the config", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("cfg");
  await alice.config.set("cfg", {
    limits: { web: { memory: "512M", cpu: "500m" } },
    healthchecks: { web: { path: "/health", timeout: 3 } },
  });
  const config = await alice.config.get("cfg");
  t.deepEqual(config.limits, { web: { memory: "512M", cpu: "500m" } });
  t.deepEqual(config.healthchecks, { web: { path: "/health", timeout: 3 } });
  await alice.config.set("cfg", { limits: { web: null } });
  t.deepEqual((await alice.config.get("cfg")).limits, {});
  t.is((await alice.releases.list("cfg")).results[0]?.summary, "alice removed limits for web");
});

eachBackend("invalid config is refused with 400 naming the field, and makes no release", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("cfg");
  const cases: [unknown, string][] = [
    [{ values: { "BAD-KEY": "x" } }, "values.BAD-KEY"],
    [{ values: { "1ABC": "x" } }, "values.1ABC"],
    [{ values: { N: 42 } }, "values.N"],
    [{ values: ["A=1"] }, "values"],
    [{ values: { BIG: "x".repeat(32 * 1024 + 1) } }, "values.BIG"],
    [{ limits: { web: { memory: "lots" } } }, "limits.web.memory"],
    [{ limits: { web: { cpu: "-1" } } }, "limits.web.cpu"],
    [{ limits: { Web: { cpu: "1" } } }, "limits.Web"],
    [{ healthchecks: { web: { path: "no-slash" } } }, "healthchecks.web.path"],
    [{ healthchecks: { web: { timeout: 0 } } }, "healthchecks.web.timeout"],
    [{ healthchecks: { web: { command: "x" } } }, "healthchecks.web.command"],
    [{ vaules: { A: "1" } }, "vaules"],
    [{ values: { DB_PASSWORD: "hunter2\u0000x" } }, "values.DB_PASSWORD"],
    [{ limits: { constructor: { cpu: "1" } } }, "limits.constructor"],
    [{ healthchecks: { constructor: { timeout: 1 } } }, "healthchecks.constructor"],
  ];
  for (const [body, field] of cases) {
    const e = await rejects(t, alice.request("POST", "/v2/apps/cfg/config", body), 400, "VALIDATION_FAILED");
    t.is(e.field, field);
    t.false(e.message.includes("hunter2"), "a value is never echoed");
  }
  t.is((await alice.releases.list("cfg")).count, 1);
});

eachBackend("malformed, non-object and oversized bodies are refused with 400 and 413", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("cfg");
  const { token } = await h.client.auth.login("alice", "alice-password");
  const post = (body: string, type = "application/json") =>
    fetch(`${h.url}/v2/apps/cfg/config`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": type }, body });
  const malformed = await post('{"values": {"A": "1"');
  t.is(malformed.status, 400);
  t.is(((await malformed.json()) as { error: { code: string } }).error.code, "INVALID_JSON");
  t.is((await post("[1,2]")).status, 400);
  t.is((await post("not json", "text/plain")).status, 415);
  const huge = await post(JSON.stringify({ values: { A: "x".repeat(1024 * 1024) } }));
  t.is(huge.status, 413);
  t.is(((await huge.json()) as { error: { code: string } }).error.code, "PAYLOAD_TOO_LARGE");
  t.is((await alice.releases.list("cfg")).count, 1);
});

eachBackend("concurrent config changes lose no update and never share a version", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("busy");
  const n = 12;
  await Promise.all(Array.from({ length: n }, (_, i) => alice.config.set("busy", { values: { [`K${i}`]: String(i) } })));
  const config = await alice.config.get("busy");
  t.is(Object.keys(config.values).length, n, "every change is in the final config");
  const versions = (await alice.releases.list("busy")).results.map((r) => r.version).sort((a, b) => a - b);
  t.deepEqual(
    versions,
    Array.from({ length: n + 1 }, (_, i) => i + 1),
  );
});

eachBackend("a config key named __proto__ is an entry like any other, not the object's prototype", async (t, backend) => {
  const h = await startController(t, backend);
  const alice = await h.user("alice");
  await alice.apps.create("proto");
  await alice.request("POST", "/v2/apps/proto/config", JSON.parse('{"values": {"__proto__": "x", "A": "1"}}'));
  const config = await alice.config.get("proto");
  t.deepEqual(Object.keys(config.values).sort(), ["A", "__proto__"]);
  t.is(Object.getOwnPropertyDescriptor(config.values, "__proto__")?.value, "x");
});
