/**
 * `scheme://host[:port]` of a channel URL: how errors and logs name a target. Never the path, query
 * or userinfo, because those often are the credential (a Slack webhook URL is a secret in itself).
 */
export function describeOrigin(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** The host to connect to or resolve: `url.hostname` without the brackets of an IPv6 literal. */
export function bareHostname(url: URL): string {
  const { hostname } = url;
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}
