import { port, text } from "../kinds.ts";
import { setting } from "../setting.ts";
import { registry, stackImage } from "./shared.ts";

/**
 * What only the platform reads; it reads the controller's settings, the builder's limits and the
 * router's access log as well (see `tables.ts`).
 */
export const platformOwnSettings = {
  adminHost: setting({
    env: "BERTH_ADMIN_HOST",
    kind: text(),
    default: "127.0.0.1",
    meaning: "interface of the router's `/healthz` and `/metrics`",
  }),
  adminPort: setting({ env: "BERTH_ADMIN_PORT", kind: port(), default: 9090, meaning: "port of the router's `/healthz` and `/metrics`" }),
  stackImage,
  registry,
};
