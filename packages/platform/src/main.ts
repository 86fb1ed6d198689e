import { readConfigOrExit } from "@berth/config";
import { createJsonLogger } from "@berth/controller";
import { loadPlatformConfig } from "./config.ts";
import { startPlatform } from "./platform.ts";

/** Composition root of Berth on one machine (`pnpm start`). */
const config = readConfigOrExit("platform", () => loadPlatformConfig());
const logger = createJsonLogger((line) => process.stdout.write(line), config.controller.logLevel).child({ service: "platform" });
const platform = await startPlatform(config, logger);
const domain = config.controller.domain;
const suffix = platform.port === 80 ? "" : `:${platform.port}`;
process.stderr.write(
  [
    "",
    `Berth is running.`,
    `  API and git   http://localhost${suffix}   (also http://berth.${domain}${suffix})`,
    `  apps          http://<app>.${domain}${suffix}`,
    `  metrics       http://${config.adminHost}:${platform.adminPort}/metrics`,
    `  data          ${config.controller.dataDir}`,
    "",
    `Get started:  ln -s "$PWD/scripts/berth" /usr/local/bin/berth   (the CLI, once)`,
    `              berth register http://localhost${suffix}   (the first user becomes admin)`,
    `              cd your-app && berth create myapp && git push berth main`,
    "Ctrl-C stops Berth; apps keep running and are adopted on the next start.",
    "",
  ].join("\n"),
);
let stopping = false;
const stop = (signal: string) => {
  if (stopping) process.exit(130);
  stopping = true;
  logger.info("stopping", { signal });
  process.stderr.write("\nStopping Berth (apps keep running)…\n");
  void platform.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 8000).unref();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
