import { createServer } from "node:http";
import { readConfigOrExit } from "@berth/config";
import { createRouterServer } from "./inbound/server.ts";
import { CertificateError, tlsListener } from "./inbound/tls.ts";
import { loadRouterConfig } from "./config.ts";
import { openAccessLog } from "./access-log.ts";
import { createJsonLogger } from "./logger.ts";
import { platformProxy } from "./platform-proxy.ts";
import { createRouter } from "./router.ts";

/** Composition root of a stand-alone router: reads BERTH_* settings, follows the controller, listens. */
const config = readConfigOrExit("router", () => loadRouterConfig());
const logger = createJsonLogger((chunk) => process.stdout.write(chunk));
const accessLog = openAccessLog(config.accessLog, logger);
const router = createRouter({
  domain: config.domain,
  routes: { controllerUrl: config.controllerUrl, routerKey: config.routerKey, cacheFile: config.cacheFile },
  logger,
  accessLog: accessLog.sink,
  // berth.<domain>: the API and git, as the platform serves them in one process.
  platformHandler: platformProxy({ controllerUrl: config.controllerUrl, builderUrl: config.builderUrl }),
});
await router.start();
const server = createRouterServer(router, { keepAliveTimeoutMs: 65_000 });
const admin = createServer(router.adminHandler);
await server.listen(config.port, config.host);
logger.info("router listening", { host: config.host, port: config.port, controller: config.controllerUrl, builder: config.builderUrl });
if (config.tls !== undefined) {
  const tls = await tlsListener(config.tls, logger).catch((error: unknown) => {
    if (!(error instanceof CertificateError)) throw error;
    process.stderr.write(`berth router: ${error.message}\n  hint: give BERTH_ROUTER_TLS_CERT and BERTH_ROUTER_TLS_KEY a certificate and its own key, as PEM\n`);
    process.exit(2);
  });
  await server.listen(config.tls.port, config.host, tls);
  logger.info("router listening for HTTPS", { host: config.host, port: config.tls.port, cert: config.tls.certFile });
}
admin.listen(config.adminPort, config.adminHost, () => {
  logger.info("router admin listening", { host: config.adminHost, port: config.adminPort });
});
const stop = (signal: string) => {
  logger.info("stopping", { signal });
  admin.close();
  // Kept-alive clients get 2 s to send one more request, answered with `Connection: close`.
  void server
    .close({ idleGraceMs: 2000 })
    .then(() => router.close())
    .then(() => {
      accessLog.close();
      logger.flush();
      process.exit(0);
    });
  setTimeout(() => {
    accessLog.flush();
    logger.flush();
    process.exit(0);
  }, 5000).unref();
};
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));
