import test from "ava";
import { ConfigError, describeProblem, optional, readSettings, readTogether, required, setting } from "../src/index.ts";
import { integer, oneOf, port, text } from "../src/kinds.ts";
import { cliSettings } from "../src/settings/cli.ts";
import { controllerSettings, registryLoginCheck } from "../src/settings/controller.ts";

const demo = {
  port: setting({ env: "DEMO_PORT", kind: port(), default: 8080, meaning: "port" }),
  mode: setting({ env: "DEMO_MODE", kind: oneOf(["a", "b"] as const), default: "a", meaning: "mode" }),
  batches: setting({ env: "DEMO_BATCHES", kind: integer(1, 9), default: 1, meaning: "batches" }),
  key: required({ env: "DEMO_KEY", kind: text(), meaning: "the shared key" }),
  extra: optional({ env: "DEMO_EXTRA", kind: text(), meaning: "extra" }),
};

test("a reader returns typed values, with defaults for what is unset", (t) => {
  t.deepEqual(readSettings(demo, { DEMO_KEY: "k", DEMO_MODE: "b" }), { port: 8080, mode: "b", batches: 1, key: "k", extra: undefined });
});

test("every problem is listed in one error, not only the first", (t) => {
  const error = t.throws(() => readSettings(demo, { DEMO_PORT: "abc", DEMO_MODE: "c", DEMO_BATCHES: "10" }), { instanceOf: ConfigError });
  t.deepEqual(
    error?.problems.map((p) => [p.variable, p.value]),
    [
      ["DEMO_PORT", "abc"],
      ["DEMO_MODE", "c"],
      ["DEMO_BATCHES", "10"],
      ["DEMO_KEY", undefined],
    ],
  );
  t.is(error?.code, "CONFIG_INVALID");
  const lines = (error?.message ?? "").split("\n");
  t.is(lines[0], "4 settings cannot be used:");
  t.is(lines[1], '  DEMO_PORT="abc" is not valid — use a port number 1–65535, or 0 for any free port');
  t.is(lines[2], '  DEMO_MODE="c" is not valid — use one of a, b');
  t.is(lines[3], '  DEMO_BATCHES="10" is not valid — use a whole number from 1 to 9');
  t.is(lines[4], "  DEMO_KEY is not set — set it to any text (the shared key)");
});

test("a default may be a function of the environment: the data dir follows HOME", (t) => {
  t.is(readSettings(controllerSettings, { HOME: "/home/ann" }).dataDir, "/home/ann/.berth/data");
  t.is(readSettings(controllerSettings, { HOME: "/home/ann", BERTH_DATA_DIR: "/srv/berth" }).dataDir, "/srv/berth");
});

test("checks across settings run once each value is usable", (t) => {
  const error = t.throws(() => readSettings(controllerSettings, { BERTH_REGISTRY_USERNAME: "berth" }, [registryLoginCheck]), {
    instanceOf: ConfigError,
  });
  t.regex(error?.message ?? "", /^BERTH_REGISTRY_SERVER, BERTH_REGISTRY_USERNAME and BERTH_REGISTRY_PASSWORD go together — set all three/);
  t.notThrows(() =>
    readSettings(controllerSettings, { BERTH_REGISTRY_SERVER: "r", BERTH_REGISTRY_USERNAME: "u", BERTH_REGISTRY_PASSWORD: "p" }, [
      registryLoginCheck,
    ]),
  );
});

test("readers run together report the problems of all of them in one error", (t) => {
  const error = t.throws(
    () =>
      readTogether({
        first: () => readSettings(demo, { DEMO_KEY: "k", DEMO_PORT: "x" }),
        second: () => readSettings(demo, { DEMO_KEY: "k", DEMO_MODE: "z" }),
      }),
    { instanceOf: ConfigError },
  );
  t.deepEqual(error?.problems.map(describeProblem), [
    'DEMO_PORT="x" is not valid — use a port number 1–65535, or 0 for any free port',
    'DEMO_MODE="z" is not valid — use one of a, b',
  ]);
});

test("a key is any text: beside a bad port only the port is refused, and the key's value is not echoed", (t) => {
  const error = t.throws(() => readSettings(controllerSettings, { BERTH_BUILDER_KEY: "hunter2", BERTH_PORT: "abc" }), {
    instanceOf: ConfigError,
  });
  t.deepEqual(
    error?.problems.map((p) => p.variable),
    ["BERTH_PORT"],
  );
  t.false(error?.message.includes("hunter2"));
});

test("a kind that names what it expects says what the refused value is not", (t) => {
  const error = t.throws(() => readSettings(cliSettings, { BERTH_PROFILE: "../etc/passwd", BERTH_URL: "ftp://x" }), {
    instanceOf: ConfigError,
  });
  t.deepEqual(error?.problems.map(describeProblem), [
    'BERTH_PROFILE="../etc/passwd" is not a profile name — use letters, digits, dots, dashes, or a path ending in .json',
    'BERTH_URL="ftp://x" is not an http(s) URL — use an http(s) URL such as http://berth.localhost:8080',
  ]);
});

test("berth's variables: the default profile, no URL or token of their own, debugging off", (t) => {
  t.deepEqual(readSettings(cliSettings, {}), { profile: "client", url: undefined, token: undefined, debug: false });
  t.deepEqual(readSettings(cliSettings, { BERTH_URL: "localhost:8080/", BERTH_TOKEN: "t", BERTH_DEBUG: "1" }), {
    profile: "client",
    url: "http://localhost:8080",
    token: "t",
    debug: true,
  });
});
