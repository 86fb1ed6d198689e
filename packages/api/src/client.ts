import { ApiError, ErrorCode, isErrorEnvelope } from "./errors.ts";
import { readLines } from "./lines.ts";
import { localhostAwareFetch } from "./localhost.ts";
import { waitForRelease, type WaitForReleaseOptions } from "./release-wait.ts";
import type {
  AlertChannel,
  AlertDelivery,
  AlertHistoryEntry,
  AlertRule,
  ChannelTestResult,
  CreateAlertRuleRequest,
  CreateChannelRequest,
  CreatedChannel,
  DeliveryStatus,
  SilenceRequest,
  UpdateAlertRuleRequest,
} from "./alerts.ts";
import type { AppMetrics, MetricsQuery } from "./metrics.ts";
import { BUILDER_KEY_HEADER, routes } from "./routes.ts";
import type {
  App,
  AppSettings,
  AppSettingsChange,
  Build,
  BuildDetail,
  Config,
  ConfigChange,
  CreateAppRequest,
  CreateBuildRequest,
  GrantPermRequest,
  Domain,
  Formation,
  HookBuildFailedRequest,
  HookBuildRequest,
  HookConfigRequest,
  HookReleaseRequest,
  LogEntry,
  LogQuery,
  HookBuildResponse,
  Page,
  PageQuery,
  LoginRequest,
  PasswdRequest,
  PasswdResponse,
  Perms,
  Pod,
  PushAuthRequest,
  PushAuthResponse,
  RegisterRequest,
  RollbackRequest,
  RegisterResponse,
  Release,
  ReleaseStatus,
  ReleaseStatusQuery,
  HookReleaseStatusRequest,
  TokenInfo,
  TokenResponse,
  TransferAppRequest,
  User,
} from "./types.ts";

export type Fetch = typeof globalThis.fetch;

export interface ControllerClientOptions {
  /** Base URL of the controller, e.g. `http://berth.localhost:8080`. */
  url: string;
  /** API token of the user, sent as `Authorization: Bearer`. */
  token?: string;
  /** Secret shared with the builder; needed only for the hooks. */
  builderKey?: string;
  /** Sent as `User-Agent`; the controller labels the tokens it issues to this client with it. */
  userAgent?: string;
  /** Injected for tests; by default the global `fetch`, with `localhost` and `*.localhost` on loopback. */
  fetch?: Fetch;
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

/** Typed client of the controller's REST API. Non-2xx answers throw {@link ApiError}. */
export class ControllerClient {
  readonly url: string;
  readonly #token: string | undefined;
  readonly #builderKey: string | undefined;
  readonly #userAgent: string | undefined;
  readonly #fetch: Fetch;

  constructor(options: ControllerClientOptions) {
    this.url = options.url.replace(/\/+$/, "");
    this.#token = options.token;
    this.#builderKey = options.builderKey;
    this.#userAgent = options.userAgent;
    this.#fetch = options.fetch ?? localhostAwareFetch;
  }

  /** The same client acting with another token. */
  withToken(token: string): ControllerClient {
    return new ControllerClient({
      url: this.url,
      token,
      fetch: this.#fetch,
      ...(this.#builderKey === undefined ? {} : { builderKey: this.#builderKey }),
      ...(this.#userAgent === undefined ? {} : { userAgent: this.#userAgent }),
    });
  }

  /** Sends one request and returns the parsed JSON answer (undefined for 204). */
  async request<T>(method: Method, path: string, body?: unknown, query?: object, signal?: AbortSignal): Promise<T> {
    const response = await this.raw(method, path, body, query, signal);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Sends one request and returns the response once it is known to be 2xx (for streams). */
  async raw(method: Method, path: string, body?: unknown, query?: object, signal?: AbortSignal): Promise<Response> {
    const url = new URL(this.url + path);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (this.#builderKey !== undefined) headers[BUILDER_KEY_HEADER] = this.#builderKey;
    if (this.#userAgent !== undefined) headers["user-agent"] = this.#userAgent;
    const init: RequestInit = { method, headers };
    if (signal !== undefined) init.signal = signal;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await this.#fetch(url, init);
    } catch (cause) {
      throw new ApiError(
        0,
        {
          code: ErrorCode.Unavailable,
          message: `cannot reach the controller at ${this.url}`,
          hint: "check the URL and that Berth is running (scripts/start)",
        },
        { cause },
      );
    }
    if (response.ok) return response;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isErrorEnvelope(parsed)) throw new ApiError(response.status, parsed.error);
    throw new ApiError(response.status, {
      code: response.status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest,
      message: `${method} ${path} answered ${response.status} ${response.statusText}`.trim(),
    });
  }

  readonly health = {
    healthz: () => this.request<{ status: "ok" }>("GET", routes.healthz),
  };

  readonly auth = {
    register: (body: RegisterRequest) => this.request<RegisterResponse>("POST", routes.register, body),
    login: (username: string, password: string) =>
      this.request<TokenResponse>("POST", routes.login, { username, password } satisfies LoginRequest),
    whoami: () => this.request<User>("GET", routes.whoami),
    /** Issues a new token; every earlier token of that user stops working. */
    regenerateToken: (username?: string) => this.request<TokenResponse>("POST", routes.tokens, username === undefined ? {} : { username }),
    /** Changes a password; the user's other tokens (all of them, on an administrator's reset) stop working. */
    passwd: (body: PasswdRequest) => this.request<PasswdResponse>("POST", routes.passwd, body),
    /** The caller's live tokens, newest first. */
    tokens: (page?: PageQuery) => this.request<Page<TokenInfo>>("GET", routes.tokens, undefined, page),
    /** Revokes one of the caller's tokens and answers with it (`current` says whether it was this one). */
    revokeToken: (id: string) => this.request<TokenInfo>("DELETE", routes.token(id)),
  };

  readonly users = {
    list: (page?: PageQuery) => this.request<Page<User>>("GET", routes.users, undefined, page),
  };

  readonly apps = {
    create: (id?: string) => this.request<App>("POST", routes.apps, (id === undefined ? {} : { id }) satisfies CreateAppRequest),
    list: (page?: PageQuery) => this.request<Page<App>>("GET", routes.apps, undefined, page),
    get: (app: string) => this.request<App>("GET", routes.app(app)),
    destroy: (app: string) => this.request<undefined>("DELETE", routes.app(app)),
    transfer: (app: string, owner: string) => this.request<App>("POST", routes.app(app), { owner } satisfies TransferAppRequest),
  };

  readonly config = {
    get: (app: string) => this.request<Config>("GET", routes.config(app)),
    /** Applies a change and returns the new config; the release it made is the app's latest. */
    set: (app: string, change: ConfigChange) => this.request<Config>("POST", routes.config(app), change),
  };

  readonly builds = {
    list: (app: string, page?: PageQuery) => this.request<Page<Build>>("GET", routes.builds(app), undefined, page),
    get: (app: string, uuid: string) => this.request<BuildDetail>("GET", routes.build(app, uuid)),
    create: (app: string, body: CreateBuildRequest) => this.request<Build>("POST", routes.builds(app), body),
  };

  readonly releases = {
    list: (app: string, page?: PageQuery) => this.request<Page<Release>>("GET", routes.releases(app), undefined, page),
    get: (app: string, version: number) => this.request<Release>("GET", routes.release(app, version)),
    /**
     * The release with its rollout's progress. With `after` (a revision from an earlier answer) the
     * controller holds the answer until something changed, or for `wait` seconds.
     */
    status: (app: string, version: number, query: ReleaseStatusQuery = {}, signal?: AbortSignal) =>
      this.request<ReleaseStatus>("GET", routes.releaseStatus(app, version), undefined, query, signal),
    /**
     * Waits, by long-polls, until the release's rollout ends (deployed, failed or superseded) and
     * returns it; `onProgress` sees every change on the way.
     */
    settled: (app: string, version: number, options?: WaitForReleaseOptions) =>
      waitForRelease((query, signal) => this.releases.status(app, version, query, signal), options),
    rollback: (app: string, version?: number) =>
      this.request<Release>("POST", routes.rollback(app), (version === undefined ? {} : { version }) satisfies RollbackRequest),
  };

  readonly scale = {
    set: (app: string, formation: Formation) => this.request<App>("POST", routes.scale(app), formation),
  };

  readonly pods = {
    list: (app: string) => this.request<Page<Pod>>("GET", routes.pods(app)),
    /** Replaces the instances (of one type, or all) batch by batch; answers once they are ready. */
    restart: (app: string, type?: string) => this.request<Page<Pod>>("POST", routes.podsRestart(app, type), {}),
  };

  readonly perms = {
    list: (app: string) => this.request<Perms>("GET", routes.perms(app)),
    grant: (app: string, username: string) => this.request<Perms>("POST", routes.perms(app), { username } satisfies GrantPermRequest),
    revoke: (app: string, username: string) => this.request<undefined>("DELETE", routes.perm(app, username)),
  };

  readonly domains = {
    list: (app: string) => this.request<Page<Domain>>("GET", routes.domains(app)),
    add: (app: string, domain: string) => this.request<Domain>("POST", routes.domains(app), { domain }),
    remove: (app: string, domain: string) => this.request<undefined>("DELETE", routes.domain(app, domain)),
  };

  readonly logs = {
    /** The app's recent log lines, oldest first. */
    get: async (app: string, query: LogQuery = {}): Promise<LogEntry[]> => {
      const response = await this.raw("GET", routes.logs(app), undefined, query);
      return parseLines(await response.text());
    },
    /** The recent lines, then every new one as it comes, until `signal` aborts or the stream ends. */
    follow: async function* (this: ControllerClient, app: string, query: LogQuery = {}, signal?: AbortSignal): AsyncGenerator<LogEntry> {
      const response = await this.raw("GET", routes.logs(app), undefined, { ...query, follow: 1 }, signal);
      const body = response.body;
      if (body === null) return;
      try {
        for await (const line of readLines(body)) if (line.trim() !== "") yield JSON.parse(line) as LogEntry;
      } catch (error) {
        if (signal?.aborted) return;
        throw error;
      }
    }.bind(this),
  };

  /** The app's traffic and instance health over a period (`since`: `1h` by default). */
  metrics(app: string, query: MetricsQuery = {}): Promise<AppMetrics> {
    return this.request<AppMetrics>("GET", routes.metrics(app), undefined, query);
  }

  /** Alert rules, channels and deliveries of an app (`berth alerts:*`). */
  readonly alerts = {
    list: (app: string) => this.request<Page<AlertRule>>("GET", routes.alerts(app)),
    add: (app: string, rule: CreateAlertRuleRequest) => this.request<AlertRule>("POST", routes.alerts(app), rule),
    get: (app: string, rule: string) => this.request<AlertRule>("GET", routes.alert(app, rule)),
    update: (app: string, rule: string, change: UpdateAlertRuleRequest) =>
      this.request<AlertRule>("PATCH", routes.alert(app, rule), change),
    remove: (app: string, rule: string) => this.request<void>("DELETE", routes.alert(app, rule)),
    silence: (app: string, rule: string, forSeconds: number) =>
      this.request<AlertRule>("POST", routes.alertSilence(app, rule), { forSeconds } satisfies SilenceRequest),
    history: (app: string, query: PageQuery = {}) =>
      this.request<Page<AlertHistoryEntry>>("GET", routes.alertHistory(app), undefined, query),
    channels: {
      list: (app: string) => this.request<Page<AlertChannel>>("GET", routes.alertChannels(app)),
      add: (app: string, channel: CreateChannelRequest) => this.request<CreatedChannel>("POST", routes.alertChannels(app), channel),
      remove: (app: string, channel: string) => this.request<void>("DELETE", routes.alertChannel(app, channel)),
      test: (app: string, channel: string) => this.request<ChannelTestResult>("POST", routes.alertChannelTest(app, channel)),
    },
    /** Platform channels (admins): every app's notifications reach them. */
    platform: {
      list: () => this.request<Page<AlertChannel>>("GET", routes.platformChannels),
      add: (channel: CreateChannelRequest) => this.request<CreatedChannel>("POST", routes.platformChannels, channel),
      remove: (channel: string) => this.request<void>("DELETE", routes.platformChannel(channel)),
      test: (channel: string) => this.request<ChannelTestResult>("POST", routes.platformChannelTest(channel)),
    },
    deliveries: (app: string, query: PageQuery & { status?: DeliveryStatus } = {}) =>
      this.request<Page<AlertDelivery>>("GET", routes.alertDeliveries(app), undefined, query),
    redeliver: (app: string, delivery: string) => this.request<AlertDelivery>("POST", routes.alertRedeliver(app, delivery)),
  };

  readonly settings = {
    get: (app: string) => this.request<AppSettings>("GET", routes.settings(app)),
    set: (app: string, change: AppSettingsChange) => this.request<AppSettings>("POST", routes.settings(app), change),
  };

  /** Builder-only routes; the client needs `builderKey`. */
  readonly hooks = {
    pushAuth: (body: PushAuthRequest) => this.request<PushAuthResponse>("POST", routes.hooks.pushAuth, body),
    config: (app: string) => this.request<Config>("POST", routes.hooks.config, { app } satisfies HookConfigRequest),
    build: (body: HookBuildRequest) => this.request<HookBuildResponse>("POST", routes.hooks.build, body),
    buildFailed: (body: HookBuildFailedRequest) => this.request<void>("POST", routes.hooks.buildFailed, body),
    /** A release's state, to follow the rollout a build started. */
    release: (app: string, version: number) =>
      this.request<Release>("POST", routes.hooks.release, { app, version } satisfies HookReleaseRequest),
    /** As `releases.status`, for the builder. */
    releaseStatus: (app: string, version: number, query: ReleaseStatusQuery = {}, signal?: AbortSignal) =>
      this.request<ReleaseStatus>(
        "POST",
        routes.hooks.releaseStatus,
        { app, version, ...query } satisfies HookReleaseStatusRequest,
        undefined,
        signal,
      ),
    /** As `releases.settled`, for the builder: follows the rollout a build started. */
    releaseSettled: (app: string, version: number, options?: WaitForReleaseOptions) =>
      waitForRelease((query, signal) => this.hooks.releaseStatus(app, version, query, signal), options),
  };
}

function parseLines(text: string): LogEntry[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LogEntry);
}
