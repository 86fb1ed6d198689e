import test from "ava";
import { ConfigError } from "@berth/config";
import { loadBuilderConfig, loadBuildLimits } from "../src/index.ts";

test("the builder's settings have single-machine defaults and read cluster settings from BERTH_*", (t) => {
  const local = loadBuilderConfig({ BERTH_BUILDER_KEY: "k", BERTH_DATA_DIR: "/srv/berth" });
  t.like(local, { builderKey: "k", dataDir: "/srv/berth", registry: undefined, stackImage: "berth/stack:24", port: 8081 });
  const cluster = loadBuilderConfig({
    BERTH_BUILDER_KEY: "k",
    BERTH_REGISTRY: "registry:5000",
    BERTH_STACK_IMAGE: "node:24-bookworm-slim",
    DOCKER_HOST: "tcp://d:2375",
  });
  t.like(cluster, { registry: "registry:5000", stackImage: "node:24-bookworm-slim", dockerHost: "tcp://d:2375" });
});

test("a missing builder key and a bad number are one configuration error naming both", (t) => {
  const error = t.throws(() => loadBuilderConfig({ BERTH_MAX_PUSH_BYTES: "lots" }), { instanceOf: ConfigError });
  t.deepEqual(
    error?.problems.map((p) => p.variable),
    ["BERTH_BUILDER_KEY", "BERTH_MAX_PUSH_BYTES"],
  );
  t.regex(error?.message ?? "", /BERTH_MAX_PUSH_BYTES="lots" is not valid/);
});

test("the stand-alone builder's log level follows BERTH_LOG_LEVEL", (t) => {
  t.is(loadBuilderConfig({ BERTH_BUILDER_KEY: "k" }).logLevel, "info");
  t.is(loadBuilderConfig({ BERTH_BUILDER_KEY: "k", BERTH_LOG_LEVEL: "debug" }).logLevel, "debug");
});

test("push size, build time and git request deadline have defaults and are read in bytes and seconds", (t) => {
  t.deepEqual(loadBuildLimits({}), { maxPushBytes: 256 * 1024 * 1024, buildTimeoutMs: 900_000, gitTimeoutMs: 60_000 });
  t.deepEqual(loadBuildLimits({ BERTH_MAX_PUSH_BYTES: "1048576", BERTH_BUILD_TIMEOUT: "60", BERTH_GIT_TIMEOUT: "30" }), {
    maxPushBytes: 1024 * 1024,
    buildTimeoutMs: 60_000,
    gitTimeoutMs: 30_000,
  });
  // Git's keep-alives come every few seconds; a shorter deadline would cut quiet builds.
  t.regex(
    t.throws(() => loadBuildLimits({ BERTH_GIT_TIMEOUT: "2" }))?.message ?? "",
    /BERTH_GIT_TIMEOUT="2" is not valid — use a whole number of seconds from 5 to 3600/,
  );
});
