import { createServer } from "node:http";
import { readConfigOrExit } from "@berth/config";
import { loadControllerConfig } from "./config.ts";
import { createJsonLogger } from "./logger.ts";
import { startControllerRuntime } from "./runtime.ts";

/** Composition root of a stand-alone controller: reads BERTH_* settings, starts the runtime, listens. */
const config = readConfigOrExit("controller", () => loadControllerConfig());
const logger = createJsonLogger((line) => process.stdout.write(line), config.logLevel).child({ service: "controller" });
const runtime = await startControllerRuntime(config, logger);
const server = createServer(runtime.handler);
server.listen(config.port, config.host, () => {
  const where = config.databaseUrl === undefined ? `SQLite in ${config.dataDir}` : "PostgreSQL";
  logger.info("controller listening", { port: config.port, host: config.host, store: where });
  process.stderr.write(
    `Berth controller on http://localhost:${config.port} (data: ${where})\n` +
      `Register the first user (who becomes admin): curl -X POST localhost:${config.port}/v2/auth/register -H 'content-type: application/json' -d '{"username":"you","password":"…"}'\n`,
  );
});
const stop = (signal: string) => {
  logger.info("stopping", { signal });
  // Then the runtime: rollouts stop where they stand and their leases are released, so another
  // controller sharing the database carries them on at once. Idle connections go now, long-lived
  // ones (route watches, log follows) a moment later: their clients reconnect, to another controller.
  server.close(() => void runtime.close().then(() => process.exit(0)));
  server.closeIdleConnections();
  setTimeout(() => server.closeAllConnections(), 2000).unref();
  setTimeout(() => process.exit(0), 10_000).unref();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
