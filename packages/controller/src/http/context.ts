import type { RegistrationMode } from "@berth/api";
import type { RouterContext } from "@koa/router";
import type { Deployer } from "../deployer.ts";
import type { DeploySettings } from "../domain/deploy-settings.ts";
import type { DeliveryOptions } from "../alerts/dispatcher.ts";
import type { Logger } from "../logger.ts";
import type { TrafficHistory } from "../metrics/history.ts";
import type { RouterBoard } from "../route-table/router-board.ts";
import type { RouteTableHub, UpstreamSource } from "../route-table/hub.ts";
import type { ReleaseHub } from "../services/release-hub.ts";
import type { Store } from "../store/open.ts";
import type { UserRow } from "../store/schema.ts";

export interface ControllerSettings {
  registrationMode: RegistrationMode;
  /** Secret the builder sends in X-Berth-Builder-Key. */
  builderKey: string;
  /** `http://{app}.localhost:8080`: how app URLs are shown. */
  appUrlTemplate: string;
  /** Live tokens a user may hold; issuing one more revokes the least recently used. Default 20. */
  maxTokensPerUser?: number;
  /** Largest accepted request body, in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Secret the router sends in X-Berth-Router-Key; the route table is refused to all when empty. */
  routerKey?: string;
  /** Apps answer at `<app>.<platformDomain>`. Default `localhost`. */
  platformDomain?: string;
  /** The platform's rollout defaults, shown with each config. Default {@link defaultDeploySettings}. */
  rollout?: DeploySettings;
  /** How often a quiet route table stream sends an empty line, in ms. Default `ROUTE_STREAM_HEARTBEAT_MS`. */
  routeHeartbeatMs?: number;
  /** CIDRs of proxies in front of the router whose X-Forwarded-For the router may trust. */
  trustedProxies?: string[];
  /** How alerts are evaluated and delivered. Default: a 15 s tick, public receivers only. */
  alerts?: AlertSettings;
}

export interface AlertSettings extends DeliveryOptions {
  /** How often the leader evaluates every rule; no rule's window may be shorter. */
  tickMs: number;
}

export interface ControllerDeps {
  store: Store;
  logger: Logger;
  settings: ControllerSettings;
  /** Who turns releases into running instances; records releases as deployed when absent. */
  deployer?: Deployer;
  /** Announces route table changes; a new one when absent. */
  routeHub?: RouteTableHub;
  /**
   * Told by the deployer whenever a release's state or rollout progress changes; wakes the release
   * status long-polls. A new one when absent (then only the record-only deployer tells it).
   */
  releaseHub?: ReleaseHub;
  /** Which instances serve each app; none when absent (no scheduler). */
  upstreams?: UpstreamSource;
  /** Where routers' status reports go (`POST /v2/routes/status`); a board nobody reads when absent. */
  routers?: RouterBoard;
  /** Where routers' metrics reports go, and what `GET /v2/apps/:id/metrics` reads; one on the store when absent. */
  traffic?: TrafficHistory;
  /** Told after an app is destroyed, to remove what other services keep for it (its git repository). */
  onAppDestroyed?: (app: string) => Promise<void>;
}

/** What the middleware leaves for the routes. */
export interface State {
  user?: UserRow;
  /** Public id of the token that authenticated `user`. */
  tokenId?: string;
  requestId: string;
}

export type Ctx = RouterContext<State>;

/** Dependencies as the routes see them (the deployer resolved). */
export type RouteDeps = Required<
  Pick<ControllerDeps, "store" | "logger" | "deployer" | "routeHub" | "releaseHub" | "upstreams" | "routers" | "traffic">
> &
  Pick<ControllerDeps, "onAppDestroyed"> & {
    settings: Required<ControllerSettings>;
  };
