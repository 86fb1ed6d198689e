import test from "ava";
import { BuildError, loadBuilderConfig, loadBuildLimits } from "../src/index.ts";

test("the builder's settings have single-machine defaults and read cluster settings from BERTH_*", (t) => {
  const local = loadBuilderConfig({ BERTH_BUILDER_KEY: "k", BERTH_DATA_DIR: "/srv/berth" });
  t.like(local, { builderKey: "k", dataDir: "/srv/berth", registry: undefined, stackImage: "berth/stack:24", port: 8081 });
  const cluster = loadBuilderConfig({ BERTH_BUILDER_KEY: "k", BERTH_REGISTRY: "registry:5000", BERTH_STACK_IMAGE: "node:24-bookworm-slim", DOCKER_HOST: "tcp://d:2375" });
  t.like(cluster, { registry: "registry:5000", stackImage: "node:24-bookworm-slim", dockerHost: "tcp://d:2375" });
});

test("a missing builder key or a bad number is a clear configuration error", (t) => {
  t.is(t.throws(() => loadBuilderConfig({}), { instanceOf: BuildError })?.code, "CONFIG_INVALID");
  t.regex(t.throws(() => loadBuilderConfig({ BERTH_BUILDER_KEY: "k", BERTH_MAX_PUSH_BYTES: "lots" }))?.message ?? "", /BERTH_MAX_PUSH_BYTES=lots/);
});

test("push size, build time and git request deadline have defaults and are read in bytes and seconds", (t) => {
  t.deepEqual(loadBuildLimits({}), { maxPushBytes: 256 * 1024 * 1024, buildTimeoutMs: 900_000, gitTimeoutMs: 60_000 });
  t.deepEqual(loadBuildLimits({ BERTH_MAX_PUSH_BYTES: "1048576", BERTH_BUILD_TIMEOUT: "60", BERTH_GIT_TIMEOUT: "30" }), {
    maxPushBytes: 1024 * 1024,
    buildTimeoutMs: 60_000,
    gitTimeoutMs: 30_000,
  });
  // Git's keep-alives come every few seconds; a shorter deadline would cut quiet builds.
  t.regex(t.throws(() => loadBuildLimits({ BERTH_GIT_TIMEOUT: "2" }))?.message ?? "", /BERTH_GIT_TIMEOUT=2 is not a whole number between 5 and 3600/);
});
