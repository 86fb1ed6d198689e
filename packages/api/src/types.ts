/** An ISO-8601 timestamp in UTC. */
export type Timestamp = string;

/** Every list route answers with one page of results and the total count. */
export interface Page<T> {
  count: number;
  results: T[];
}

/** `?limit=&offset=` of list routes. Defaults: limit 100, offset 0; limit at most 1000. */
export interface PageQuery {
  limit?: number;
  offset?: number;
}

export interface User {
  username: string;
  email: string;
  isAdmin: boolean;
  created: Timestamp;
}

/** Who may register: anyone, only admins (with their token), or nobody. The first user always may. */
export type RegistrationMode = "open" | "admin_only" | "disabled";

export interface RegisterRequest {
  username: string;
  password: string;
  email?: string;
}

/** `token` is present when the caller registered themselves; it is shown once. */
export interface RegisterResponse extends User {
  token?: string;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface TokenResponse {
  username: string;
  /** Shown once; the controller stores only its hash. */
  token: string;
}

/**
 * One live API token of the caller, as `GET /v2/auth/tokens` lists it. Never the secret: the
 * controller keeps only its hash.
 */
export interface TokenInfo {
  /** Public name of the token, for `DELETE /v2/auth/tokens/:id`. */
  id: string;
  /** How it was issued and by which client, e.g. `login from berth-cli/0.1.0 (laptop)`. */
  label: string;
  created: Timestamp;
  /** When it last authenticated a request, to the minute; null when never. */
  lastUsed: Timestamp | null;
  /** Whether this is the token the request was made with. */
  current: boolean;
}

/** The answer to a password change: which user, and how many of their tokens stopped working. */
export interface PasswdResponse {
  username: string;
  /**
   * Tokens revoked by the change: every other token of the user when they change their own password
   * (the one making the request keeps working), every token of theirs when an administrator resets it.
   */
  tokensRevoked: number;
}

export interface PasswdRequest {
  /** The current password (not needed when an admin changes another user's). */
  password?: string;
  newPassword: string;
  /** Admins only: whose password to change. */
  username?: string;
}

/** Replica counts per process type, e.g. `{web: 2, worker: 1}`. */
export type Formation = Record<string, number>;

export interface App {
  id: string;
  owner: string;
  structure: Formation;
  url: string;
  created: Timestamp;
  updated: Timestamp;
}

export interface CreateAppRequest {
  /** DNS-1123 label of at most 63 characters; a readable random name when absent. */
  id?: string;
}

export interface TransferAppRequest {
  owner: string;
}

/** Memory (`512M`, `1G`) and CPU (`500m`, `1`, `1.5`) limits of one process type. */
export interface ProcessLimits {
  memory?: string;
  cpu?: string;
}

/**
 * How to tell that an instance is ready: an HTTP GET of `path` answering 2xx/3xx, or (without
 * `path`) a TCP connect to `$PORT`.
 */
export interface Healthcheck {
  path?: string;
  /** Seconds before the first check. Default 0. */
  initialDelay?: number;
  /** Seconds one check may take. Default 2. */
  timeout?: number;
  /** Seconds between checks. Default 2. */
  period?: number;
  /** Failed checks in a row that make an instance unhealthy. Default 3. */
  failureThreshold?: number;
}

export interface Config {
  uuid: string;
  app: string;
  owner: string;
  values: Record<string, string>;
  limits: Record<string, ProcessLimits>;
  healthchecks: Record<string, Healthcheck>;
  /** How this config's releases roll out: its `BERTH_DEPLOY_*` values, else the platform's defaults. */
  rollout: RolloutSettings;
  created: Timestamp;
}

/** A release's rollout, as it will run. */
export interface RolloutSettings {
  /** Instances started per batch (`BERTH_DEPLOY_BATCHES`). */
  batches: number;
  /** Seconds a batch may take to become ready (`BERTH_DEPLOY_TIMEOUT`). */
  timeout: number;
  /** Seconds a ready release is watched for crashes before it counts as deployed; 0 for none (`BERTH_DEPLOY_WATCH`). */
  watch: number;
}

/** A change of config: `null` removes a key (or a process type's limits or healthcheck). */
export interface ConfigChange {
  values?: Record<string, string | null>;
  limits?: Record<string, ProcessLimits | null>;
  healthchecks?: Record<string, Healthcheck | null>;
}

export type BuildKind = "dockerfile" | "buildpack" | "image";

/** Process type → command, from the Procfile (or the buildpack's defaults). */
export type Procfile = Record<string, string>;

export interface Build {
  uuid: string;
  app: string;
  owner: string;
  image: string;
  /** Git commit for pushed builds; empty for deployed images. */
  sha: string;
  procfile: Procfile;
  kind: BuildKind;
  /** Wall time of the build, when the builder made it. */
  durationMs: number | null;
  created: Timestamp;
}

/** A build with its full output log. */
export interface BuildDetail extends Build {
  log: string;
}

export interface CreateBuildRequest {
  image: string;
  procfile?: Procfile;
}

export type ReleaseState = "pending" | "deployed" | "failed" | "superseded";

export interface Release {
  uuid: string;
  app: string;
  version: number;
  owner: string;
  summary: string;
  state: ReleaseState;
  /** Why the rollout failed, for failed releases. */
  failure: string | null;
  /** The build's uuid; null for v1, which has no build. */
  build: string | null;
  /** The config's uuid. */
  config: string;
  created: Timestamp;
  updated: Timestamp;
}

/**
 * How far a pending release's rollout has got (what `berth` and `git push` show while it rolls out).
 * Counts are over all of the release's process types.
 */
export interface RolloutProgress {
  /** `rolling`: batches of new instances start; `watching`: all are ready and watched for crashes; `reverting`: it failed and the previous release is put back. */
  phase: "rolling" | "watching" | "reverting";
  /** The process type being rolled out now; null while watching or reverting. */
  type: string | null;
  /** Instances of the release that are ready. */
  ready: number;
  /** Instances of the release started so far, ready or not (the current batch included). */
  starting: number;
  /** Instances the release runs once rolled out; while reverting, those of the release put back. */
  want: number;
}

/**
 * A release as one who waits for it sees it (`GET …/releases/vN/status?wait=25&after=<revision>`):
 * the release, its rollout's progress while it is pending, and a revision that changes whenever
 * either does.
 */
export interface ReleaseStatus {
  release: Release;
  /** Null once the release has settled (or before its rollout has started). */
  progress: RolloutProgress | null;
  /** Opaque; pass it back as `after` to be answered only once something changed. */
  revision: string;
}

/** Query of a release status long-poll. */
export interface ReleaseStatusQuery {
  /** Answer at once unless the release still has this revision. */
  after?: string;
  /** The longest the controller holds the answer for a change, in seconds (0–60, default 25). */
  wait?: number;
}

/** Builder hook: release `version` of `app`, as `GET …/releases/vN` answers it. */
export interface HookReleaseRequest {
  app: string;
  version: number;
}

/** Builder hook: a release's status, as `GET …/releases/vN/status` answers it. */
export interface HookReleaseStatusRequest extends HookReleaseRequest, ReleaseStatusQuery {}

export interface RollbackRequest {
  /** The release to go back to; the one before the live release when absent. */
  version?: number;
}

export interface Perms {
  users: string[];
}

export interface GrantPermRequest {
  username: string;
}

/** Builder hooks, authenticated with `X-Berth-Builder-Key`. */
export interface PushAuthRequest {
  user: string;
  token: string;
  app: string;
}

export interface PushAuthResponse {
  allowed: boolean;
  /** Why not, when not allowed. */
  reason?: string;
  /** What kind of refusal, when not allowed: wrong credentials, no such app, or no rights. */
  code?: "INVALID_CREDENTIALS" | "APP_NOT_FOUND" | "FORBIDDEN";
  /**
   * When allowed: which incarnation of the app name this is (its creation time). A repository kept
   * for an earlier app of the same name, since destroyed, must not be served for this one.
   */
  generation?: string;
}

export interface HookConfigRequest {
  app: string;
}

export interface HookBuildRequest {
  app: string;
  user: string;
  sha: string;
  image: string;
  procfile: Procfile;
  kind: BuildKind;
  log?: string;
  durationMs?: number;
}

/** The builder tells the controller a push's build failed (no release was made): for `build-failed` alerts and the app's log. */
export interface HookBuildFailedRequest {
  app: string;
  user: string;
  sha: string;
  /** What the pusher was told, first line first. */
  reason: string;
}

export interface HookBuildResponse {
  build: Build;
  release: Release;
  /** Where the app answers (`http://myapp.localhost:8080`), for the builder's last line. */
  url?: string;
}

export interface Health {
  status: "ok";
}

/** A custom domain routed to an app, besides `<app>.<platform domain>`. */
export interface Domain {
  domain: string;
  app: string;
  created: Timestamp;
}

/** Router settings of an app. */
export interface AppSettings {
  app: string;
  /** Serve a 503 maintenance page instead of the app. */
  maintenance: boolean;
  /** When false the router does not serve the app at all. */
  routable: boolean;
  /** CIDRs allowed to reach the app (IPv4 or IPv6); empty means everyone. */
  allowlist: string[];
  /** Seconds to connect to an instance. Default 5. */
  connectTimeout: number;
  /** Seconds an instance may take to start answering. Default 60. */
  readTimeout: number;
}

export type AppSettingsChange = Partial<Omit<AppSettings, "app">>;
/** `starting`: created, not running yet; `restarting`: crashed, waiting to be restarted by the engine. */
export type PodState = "starting" | "running" | "restarting" | "exited";

/** One running instance of an app (`GET /v2/apps/:id/pods`), as the scheduler's engine reports it. */
export interface Pod {
  /** `<app>-v<N>-<type>-<k>`. */
  name: string;
  type: string;
  /** `v3`. */
  release: string;
  state: PodState;
  /** Running and passing its healthcheck. */
  ready: boolean;
  /** When the current run started; null before the first start. */
  started: Timestamp | null;
  /** Restarts after crashes. */
  restarts: number;
}

/**
 * One line of an app's log (`GET /v2/apps/:id/logs`, NDJSON): output of an instance
 * (`source: "app"`, `tag: "web.1"`) or a platform event (`source: "berth"`, `tag: "deploy"`).
 */
export interface LogEntry {
  /** ISO timestamp. */
  time: string;
  source: "app" | "berth";
  tag: string;
  line: string;
}

export interface LogQuery {
  /** How many recent lines to start with. Default 100, at most 10000. */
  lines?: number;
}
