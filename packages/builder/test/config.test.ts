import test from "ava";
import { BuildError, loadBuilderConfig } from "../src/index.ts";

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
