import type { Kysely, Transaction } from "kysely";

/**
 * Tables as stored. Both backends use the same portable column types: text ids (uuids, app names),
 * ISO timestamps as text, booleans as 0/1 integers and JSON documents as text.
 */
export interface Database {
  users: UserRow;
  tokens: TokenRow;
  apps: AppRow;
  perms: PermRow;
  builds: BuildRow;
  configs: ConfigRow;
  releases: ReleaseRow;
  rollouts: RolloutRow;
  domains: DomainRow;
  app_settings: AppSettingsRow;
  app_events: AppEventRow;
  leases: LeaseRow;
  changes: ChangeRow;
  traffic: TrafficRow;
  alert_channels: AlertChannelRow;
  alert_rules: AlertRuleRow;
  alert_history: AlertHistoryRow;
  alert_deliveries: AlertDeliveryRow;
}

export interface AppEventRow {
  id: string;
  app_id: string;
  time: string;
  kind: string;
  release: string | null;
  message: string;
  /** The process type the event is about (a crash's), or null. */
  process: string | null;
}

export interface DomainRow {
  domain: string;
  app_id: string;
  created: string;
}

/** Router settings of an app; absent means the defaults. */
export interface AppSettingsRow {
  app_id: string;
  maintenance: number;
  routable: number;
  /** JSON: CIDR strings. */
  allowlist: string;
  /** Seconds. */
  connect_timeout: number;
  read_timeout: number;
  updated: string;
}

export interface UserRow {
  id: string;
  username: string;
  email: string;
  password_hash: string;
  is_admin: number;
  created: string;
}

export interface TokenRow {
  token_hash: string;
  /** Public name, for listing and revoking; never the secret. */
  id: string;
  user_id: string;
  /** How it was issued and to which client (`login via berth-cli/0.1.0 (laptop)`). */
  label: string;
  created: string;
  /** Updated at most once a minute (see authenticate). */
  last_used: string | null;
}

export interface AppRow {
  id: string;
  owner_id: string;
  /** JSON: {type: replicas}. */
  structure: string;
  created: string;
  updated: string;
}

export interface PermRow {
  app_id: string;
  user_id: string;
  created: string;
}

export interface BuildRow {
  id: string;
  app_id: string;
  owner_id: string;
  image: string;
  sha: string;
  /** JSON: {type: command}. */
  procfile: string;
  kind: string;
  log: string;
  duration_ms: number | null;
  created: string;
}

export interface ConfigRow {
  id: string;
  app_id: string;
  owner_id: string;
  /** JSON documents. */
  values: string;
  limits: string;
  healthchecks: string;
  created: string;
}

export interface ReleaseRow {
  id: string;
  app_id: string;
  version: number;
  owner_id: string;
  build_id: string | null;
  config_id: string;
  summary: string;
  state: string;
  failure: string | null;
  created: string;
  updated: string;
}

/** A rollout in progress (see src/rollout/). */
export interface RolloutRow {
  app_id: string;
  /** The release being rolled out (or restarted). */
  version: number;
  /** `deploy` | `restart`. */
  kind: string;
  /** `rolling` | `reverting`. */
  phase: string;
  /** JSON: what to restore on abort (see RolloutPlan). */
  plan: string;
  /** Why it is reverting. */
  reason: string | null;
  /** JSON: how far it has got (see RolloutProgress); null until the first batch. */
  progress: string | null;
  started: string;
  updated: string;
}

/** The last change of a topic others wait for (see src/services/change-feed.ts). */
export interface ChangeRow {
  topic: string;
  /** Ms since the epoch, by the database's clock. */
  version: number | string;
}

/** A lease one controller holds (see src/leases/). */
export interface LeaseRow {
  name: string;
  /** The controller holding it (`<host>/<pid>/<random>`). */
  holder: string;
  /** Ms since the epoch, by the database's clock; free after this unless renewed. */
  expires: number | string;
  /** A controller that asked the holder to give it up, or null. */
  yield_to: string | null;
}

/** One router's count of an app's requests in one minute (see migration 0008). */
export interface TrafficRow {
  app_id: string;
  /** Ms since the epoch. */
  start: number | string;
  /** `<router>#<boot>`. */
  source: string;
  requests: number;
  errors: number;
  /** JSON: counts per latency bucket. */
  latency: string;
  latency_sum_ms: number;
}

/** Where an app's notifications go (see migration 0009). */
export interface AlertChannelRow {
  id: string;
  /** Null for a platform channel (every app's notifications). */
  app_id: string | null;
  type: string;
  url: string;
  /** A webhook's `whsec_` signing secret; null for Slack. */
  secret: string | null;
  enabled: number;
  disabled_reason: string | null;
  created: string;
}

export interface AlertRuleRow {
  id: string;
  app_id: string;
  kind: string;
  threshold: number | null;
  window_s: number | null;
  for_s: number;
  min_requests: number | null;
  /** JSON array of channel ids; empty: all the app's channels. */
  channels: string;
  enabled: number;
  state: string;
  state_since: string;
  /** While firing: since when the condition has not held (it resolves once that lasts). */
  clear_since: string | null;
  figure: string | null;
  silenced_until: string | null;
  /** When a firing notification last went out (for the repeat interval). */
  notified: string | null;
  cursor: string;
  created: string;
}

export interface AlertHistoryRow {
  id: string;
  app_id: string;
  rule_id: string;
  kind: string;
  change: string;
  figure: string;
  time: string;
}

export interface AlertDeliveryRow {
  id: string;
  app_id: string;
  channel_id: string;
  rule_id: string | null;
  kind: string;
  title: string;
  body: string;
  status: string;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  next_attempt: string | null;
  created: string;
  updated: string;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** Either the database or a transaction on it: repository functions take both. */
export type Executor = Db | Tx;

export type Backend = "sqlite" | "postgres";
