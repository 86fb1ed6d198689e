export { ControllerClient } from "./client.ts";
export type { ControllerClientOptions, Fetch } from "./client.ts";
export { LineSplitter, LineTooLongError, readLines } from "./lines.ts";
export type { LineSplitterOptions } from "./lines.ts";
export { describeProgress, type WaitForReleaseOptions } from "./release-wait.ts";
export { isLocalhostName, localhostAwareFetch } from "./localhost.ts";
export { ApiError, ERROR_STATUS, ErrorCode, isErrorEnvelope } from "./errors.ts";
export type { ErrorEnvelope } from "./errors.ts";
export { API_VERSION, BUILDER_KEY_HEADER, isGitPath, routes } from "./routes.ts";
export type * from "./types.ts";
export {
  ROUTE_STREAM_HEARTBEAT_MS,
  ROUTE_TABLE_PATH,
  ROUTER_KEY_HEADER,
  ROUTER_STATUS_INTERVAL_MS,
  ROUTER_STATUS_PATH,
} from "./route-table.ts";
export type { AppRoute, RouterStatus, RouteTable } from "./route-table.ts";
export { PROCESS_TYPE_PATTERN, processTypeProblem } from "./names.ts";
export { PROCESS_SUPERVISOR_NAME, processCommand } from "./process-command.ts";
export {
  METRICS_BUCKET_MS,
  METRICS_LATENCY_BOUNDS_MS,
  ROUTER_METRICS_INTERVAL_MS,
  ROUTER_METRICS_PATH,
} from "./metrics.ts";
export type { AppMetrics, MetricsPoint, MetricsQuery, ProcessMetrics, RouterMetricsReport, TrafficBucket } from "./metrics.ts";
export { ALERT_KINDS } from "./alerts.ts";
export type {
  AlertChannel,
  AlertDelivery,
  AlertHistoryEntry,
  AlertKind,
  AlertRule,
  AlertState,
  ChannelTestResult,
  ChannelType,
  CreateAlertRuleRequest,
  CreateChannelRequest,
  CreatedChannel,
  DeliveryStatus,
  SilenceRequest,
  UpdateAlertRuleRequest,
} from "./alerts.ts";
