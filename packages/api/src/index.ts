export { ControllerClient } from "./client.ts";
export type { ControllerClientOptions, Fetch } from "./client.ts";
export { isLocalhostName, localhostAwareFetch } from "./localhost.ts";
export { ApiError, ErrorCode, isErrorEnvelope } from "./errors.ts";
export type { ErrorEnvelope } from "./errors.ts";
export { API_VERSION, BUILDER_KEY_HEADER, routes } from "./routes.ts";
export type * from "./types.ts";
export { ROUTE_TABLE_PATH, ROUTER_KEY_HEADER } from "./route-table.ts";
export type { AppRoute, RouteTable } from "./route-table.ts";
