export { ControllerClient } from "./client.ts";
export type { ControllerClientOptions, Fetch } from "./client.ts";
export { ApiError, ErrorCode, isErrorEnvelope } from "./errors.ts";
export type { ErrorEnvelope } from "./errors.ts";
export { API_VERSION, BUILDER_KEY_HEADER, routes } from "./routes.ts";
export type * from "./types.ts";
