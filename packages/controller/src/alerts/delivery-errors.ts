import { describeOrigin } from "./origin.ts";

interface Target {
  url: URL;
  address: string;
}

/**
 * Our own words for certificate failures: Node's messages suggest Node flags (--use-system-ca), advice
 * for whoever runs Berth, not for the app owner reading the delivery log.
 */
const CERTIFICATE_PROBLEMS: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "chains to a self-signed root that is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "is issued by a CA that is not trusted",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "is issued by a CA that is not trusted",
  CERT_HAS_EXPIRED: "has expired",
  CERT_NOT_YET_VALID: "is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "is for another host",
};

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** "wrong version number" out of OpenSSL's "write EPROTO …:error:0A00010B:SSL routines:func:wrong version number:file:line:". */
function openSslReason(message: string): string {
  return /SSL routines:[^:]*:([^:]+):/.exec(message)?.[1] ?? oneLine(message);
}

function endpoint(target: Target): string {
  const port = target.url.port !== "" ? target.url.port : target.url.protocol === "https:" ? "443" : "80";
  return target.address.includes(":") ? `[${target.address}]:${port}` : `${target.address}:${port}`;
}

/**
 * A sentence for a request that got no HTTP answer, for the delivery log. It names the target by
 * address or origin only — no path or query string, which may hold a token. Node's transport
 * messages ("socket hang up", "wrong version number") never include the request's path.
 */
export function describeTransportError(error: NodeJS.ErrnoException, target: Target): string {
  const origin = describeOrigin(target.url);
  const code = error.code ?? "";
  if (code === "ECONNREFUSED") return `connection refused by ${endpoint(target)}`;
  if (code === "ECONNRESET") return `connection reset by ${endpoint(target)} before it answered`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return `no route to ${endpoint(target)}`;
  if (code === "ETIMEDOUT") return `connecting to ${endpoint(target)} timed out`;
  const problem = CERTIFICATE_PROBLEMS[code];
  if (problem !== undefined) {
    return `the TLS certificate of ${origin} ${problem} (${code}); the receiver needs a valid certificate for its host from a publicly trusted CA`;
  }
  if (code === "EPROTO" || code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS")) {
    return `the TLS handshake with ${origin} failed: ${openSslReason(error.message)} (${code}); check that the receiver serves https on that port`;
  }
  return `could not send to ${origin}: ${oneLine(error.message)}${code === "" ? "" : ` (${code})`}`;
}
