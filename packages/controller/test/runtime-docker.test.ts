import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import test from "ava";
import { loadControllerConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { type DockerEngine, startControllerRuntime } from "../src/runtime.ts";

test("the docker scheduler uses the Docker client it is handed instead of making its own from DOCKER_HOST", async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), "berth-runtime-"));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const asked: string[] = [];
  // An engine without a bridge network and without containers: `auto` picks host networking only
  // if this client was asked (DOCKER_HOST names no engine, so a client made from it would fail and
  // the runtime would fall back to bridge).
  const answer =
    <T>(name: string, value: T) =>
    async () => {
      asked.push(name);
      return value;
    };
  const engine = {
    listNetworks: answer("listNetworks", []),
    listContainers: answer("listContainers", []),
    getEvents: answer("getEvents", new PassThrough()),
  } as unknown as DockerEngine;
  const config = loadControllerConfig({ HOME: dataDir, BERTH_DATA_DIR: dataDir, DOCKER_HOST: `unix://${join(dataDir, "no-engine.sock")}` });
  const runtime = await startControllerRuntime(config, silentLogger, { docker: engine });
  t.teardown(() => runtime.close());
  t.is(runtime.network, "host");
  t.true(asked.includes("listNetworks"));
});
