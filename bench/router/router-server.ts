import { createWriteStream } from "node:fs";
import {
  createJsonLogger,
  createRouter,
  createRouterServer,
  createStaticRouteSource,
  silentLogger,
} from "../../packages/router/src/index.ts";

/**
 * The Berth router as the benchmark runs it: one process, one app whose one instance is the shared
 * upstream. Usage: node router-server.ts <upstream host:port> <access-log file | "off">
 * Prints the port it listens on.
 */
const [upstream, accessLogFile] = process.argv.slice(2);
if (upstream === undefined || accessLogFile === undefined) throw new Error("usage: router-server.ts <upstream> <access-log|off>");
const out = accessLogFile === "off" ? undefined : createWriteStream(accessLogFile);
const accessLog = out === undefined ? silentLogger : createJsonLogger((chunk) => out.write(chunk));
const router = createRouter({
  domain: "localhost",
  routes: createStaticRouteSource({
    version: 1,
    routes: [
      {
        app: "bench",
        hosts: ["bench.localhost"],
        upstreams: [upstream],
        draining: [],
        maintenance: false,
        routable: true,
        allowlist: [],
        trustedProxies: [],
        connectTimeoutMs: 5000,
        readTimeoutMs: 30_000,
      },
    ],
  }),
  logger: silentLogger,
  accessLog,
});
await router.start();
const server = createRouterServer(router, { keepAliveTimeoutMs: 65_000 });
const { port } = await server.listen(0, "127.0.0.1");
process.stdout.write(`${port}\n`);
process.on("SIGTERM", () => process.exit(0));
