import type { RegistrationMode } from "@berth/api";
import type { RouterContext } from "@koa/router";
import type { Deployer } from "../deployer.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/open.ts";
import type { UserRow } from "../store/schema.ts";

export interface ControllerSettings {
  registrationMode: RegistrationMode;
  /** Secret the builder sends in X-Berth-Builder-Key. */
  builderKey: string;
  /** `http://{app}.localhost:8080`: how app URLs are shown. */
  appUrlTemplate: string;
  /** Largest accepted request body, in bytes. Default 1 MiB. */
  bodyLimit?: number;
}

export interface ControllerDeps {
  store: Store;
  logger: Logger;
  settings: ControllerSettings;
  /** Who turns releases into running instances; records releases as deployed when absent. */
  deployer?: Deployer;
}

/** What the middleware leaves for the routes. */
export interface State {
  user?: UserRow;
  requestId: string;
}

export type Ctx = RouterContext<State>;

/** Dependencies as the routes see them (the deployer resolved). */
export type RouteDeps = Required<Pick<ControllerDeps, "store" | "logger" | "deployer">> & { settings: Required<ControllerSettings> };
