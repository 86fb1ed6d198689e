/** Route paths of the controller API. Functions build concrete paths; ids are URI-encoded. */
const enc = encodeURIComponent;

export const API_VERSION = "2.0";

export const routes = {
  healthz: "/healthz",
  readyz: "/readyz",
  register: "/v2/auth/register",
  login: "/v2/auth/login",
  whoami: "/v2/auth/whoami",
  tokens: "/v2/auth/tokens",
  token: (id: string) => `/v2/auth/tokens/${enc(id)}`,
  passwd: "/v2/auth/passwd",
  users: "/v2/users",
  apps: "/v2/apps",
  app: (app: string) => `/v2/apps/${enc(app)}`,
  config: (app: string) => `/v2/apps/${enc(app)}/config`,
  builds: (app: string) => `/v2/apps/${enc(app)}/builds`,
  build: (app: string, uuid: string) => `/v2/apps/${enc(app)}/builds/${enc(uuid)}`,
  releases: (app: string) => `/v2/apps/${enc(app)}/releases`,
  release: (app: string, version: number) => `/v2/apps/${enc(app)}/releases/v${version}`,
  releaseStatus: (app: string, version: number) => `/v2/apps/${enc(app)}/releases/v${version}/status`,
  rollback: (app: string) => `/v2/apps/${enc(app)}/releases/rollback`,
  scale: (app: string) => `/v2/apps/${enc(app)}/scale`,
  pods: (app: string) => `/v2/apps/${enc(app)}/pods`,
  podsRestart: (app: string, type?: string) => `/v2/apps/${enc(app)}/pods/restart${type === undefined ? "" : `/${enc(type)}`}`,
  perms: (app: string) => `/v2/apps/${enc(app)}/perms`,
  perm: (app: string, username: string) => `/v2/apps/${enc(app)}/perms/${enc(username)}`,
  domains: (app: string) => `/v2/apps/${enc(app)}/domains`,
  domain: (app: string, domain: string) => `/v2/apps/${enc(app)}/domains/${enc(domain)}`,
  logs: (app: string) => `/v2/apps/${enc(app)}/logs`,
  settings: (app: string) => `/v2/apps/${enc(app)}/settings`,
  metrics: (app: string) => `/v2/apps/${enc(app)}/metrics`,
  alerts: (app: string) => `/v2/apps/${enc(app)}/alerts`,
  alert: (app: string, rule: string) => `/v2/apps/${enc(app)}/alerts/${enc(rule)}`,
  alertSilence: (app: string, rule: string) => `/v2/apps/${enc(app)}/alerts/${enc(rule)}/silence`,
  alertHistory: (app: string) => `/v2/apps/${enc(app)}/alerts/history`,
  alertChannels: (app: string) => `/v2/apps/${enc(app)}/alerts/channels`,
  alertChannel: (app: string, channel: string) => `/v2/apps/${enc(app)}/alerts/channels/${enc(channel)}`,
  alertChannelTest: (app: string, channel: string) => `/v2/apps/${enc(app)}/alerts/channels/${enc(channel)}/test`,
  platformChannels: "/v2/alerts/channels",
  platformChannel: (channel: string) => `/v2/alerts/channels/${enc(channel)}`,
  platformChannelTest: (channel: string) => `/v2/alerts/channels/${enc(channel)}/test`,
  alertDeliveries: (app: string) => `/v2/apps/${enc(app)}/alerts/deliveries`,
  alertRedeliver: (app: string, delivery: string) => `/v2/apps/${enc(app)}/alerts/deliveries/${enc(delivery)}/redeliver`,
  hooks: {
    pushAuth: "/v2/hooks/push-auth",
    config: "/v2/hooks/config",
    build: "/v2/hooks/build",
    buildFailed: "/v2/hooks/build-failed",
    release: "/v2/hooks/release",
    releaseStatus: "/v2/hooks/release-status",
  },
} as const;

/** Header that carries the secret shared between builder and controller. */
export const BUILDER_KEY_HEADER = "x-berth-builder-key";

/** Smart-HTTP git paths on the platform host (`/<app>.git/info/refs`, `/<app>.git/git-receive-pack`, …): the builder's. */
const GIT_PATH = /^\/[^/?]+\.git(?:[/?]|$)/;

/** Whether a request path on the platform host is git's (the builder's) rather than the API's. */
export function isGitPath(url: string): boolean {
  return GIT_PATH.test(url);
}
