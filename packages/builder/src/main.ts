import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ControllerClient } from "@berth/api";
import { createBuilder } from "./builder.ts";
import { type BuilderConfig, loadBuilderConfig } from "./config.ts";
import { dockerFromHost } from "./docker-client.ts";
import { BuildError } from "./errors.ts";
import { createJsonLogger } from "./logger.ts";

/** Composition root of a stand-alone builder: reads BERTH_* settings, builds real clients, listens. */
let config: BuilderConfig;
try {
  config = loadBuilderConfig();
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  process.stderr.write(`berth builder: ${error.message}${error.hint === undefined ? "" : `\n  ${error.hint}`}\n`);
  process.exit(1);
}
const logger = createJsonLogger((line) => process.stdout.write(line), "info", { service: "builder" });
const builder = createBuilder({
  controller: new ControllerClient({ url: config.controllerUrl, builderKey: config.builderKey }),
  docker: dockerFromHost(config.dockerHost),
  dataDir: config.dataDir,
  stackImage: config.stackImage,
  registry: config.registry,
  buildNetwork: config.buildNetwork,
  maxPushBytes: config.maxPushBytes,
  buildTimeoutMs: config.buildTimeoutMs,
  gitTimeoutMs: config.gitTimeoutMs,
  logger,
});
const server = createServer(builder.handle);
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
