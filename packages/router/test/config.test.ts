import test from "ava";
import { loadRouterConfig } from "../src/config.ts";

test("defaults make the single-machine mode work with only the router key", (t) => {
  const config = loadRouterConfig({ BERTH_ROUTER_KEY: "k", BERTH_DATA_DIR: "/srv/berth" });
  t.like(config, { port: 8080, adminPort: 9090, adminHost: "127.0.0.1", domain: "localhost", accessLog: "errors" });
  t.is(config.cacheFile, "/srv/berth/router/routes.json");
});

test("refuses to start without a router key, saying what to set", (t) => {
  t.throws(() => loadRouterConfig({}), { message: /BERTH_ROUTER_KEY is not set — set it to/ });
});

test("rejects a bad port or controller URL with the variable's name", (t) => {
  t.throws(() => loadRouterConfig({ BERTH_ROUTER_KEY: "k", BERTH_ROUTER_PORT: "99999" }), {
    message: /BERTH_ROUTER_PORT="99999" is not valid — use a port number/,
  });
  t.throws(() => loadRouterConfig({ BERTH_ROUTER_KEY: "k", BERTH_CONTROLLER_URL: "ftp://x" }), {
    message: /BERTH_CONTROLLER_URL="ftp:\/\/x" is not valid — use an http\(s\) URL/,
  });
});
