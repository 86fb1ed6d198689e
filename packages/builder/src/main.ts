import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ControllerClient } from "@berth/api";
import { readConfigOrExit } from "@berth/config";
import { createBuilder } from "./builder.ts";
import { loadBuilderConfig } from "./config.ts";
import { dockerFromHost } from "./docker-client.ts";
import { healthProbes } from "./health.ts";
import { createJsonLogger } from "./logger.ts";

/** Composition root of a stand-alone builder: reads BERTH_* settings, builds real clients, listens. */
const config = readConfigOrExit("builder", () => loadBuilderConfig());
const logger = createJsonLogger((line) => process.stdout.write(line), config.logLevel, { service: "builder" });
const docker = dockerFromHost(config.dockerHost);
const builder = createBuilder({
  controller: new ControllerClient({ url: config.controllerUrl, builderKey: config.builderKey }),
  docker,
  dataDir: config.dataDir,
  stackImage: config.stackImage,
  registry: config.registry,
  buildNetwork: config.buildNetwork,
  maxPushBytes: config.maxPushBytes,
  buildTimeoutMs: config.buildTimeoutMs,
  gitTimeoutMs: config.gitTimeoutMs,
  logger,
});
const probes = healthProbes(docker);
const server = createServer((req, res) => {
  if (!probes(req, res)) builder.handle(req, res);
});
server.listen(config.port, config.host, () => {
  const { port } = server.address() as AddressInfo;
  logger.info("builder listening", { host: config.host, port, controller: config.controllerUrl, registry: config.registry });
});
const stop = (signal: string) => {
  logger.info("stopping", { signal });
  server.close();
  void builder.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
