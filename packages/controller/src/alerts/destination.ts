import type { LookupAddress } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { invalid } from "../errors.ts";
import { nonPublicKind } from "./address-ranges.ts";
import { bareHostname, describeOrigin } from "./origin.ts";

/** Resolves every address of a host, like `dns.promises.lookup(host, { all: true })`. */
export type LookupAll = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

export interface DestinationOptions {
  /** Let channels reach loopback, private and other non-public addresses (BERTH_ALERTS_ALLOW_PRIVATE_URLS). */
  allowPrivate: boolean;
  lookup?: LookupAll;
}

/** A checked channel URL and the one address delivery connects to. */
export interface Destination {
  url: URL;
  /**
   * The address delivery must connect to, instead of resolving the host again: a host whose DNS
   * answer changes between check and connect (rebinding) could otherwise point it at a private address.
   */
  address: string;
  family: 4 | 6;
}

const ALLOW_PRIVATE_HINT =
  "use an address reachable on the public internet; to send alerts inside a private network, the platform operator sets BERTH_ALERTS_ALLOW_PRIVATE_URLS=true";

function parse(url: string | URL): URL {
  if (url instanceof URL) return new URL(url.href);
  try {
    return new URL(url);
  } catch {
    // The input is not echoed: a mistyped URL still carries its token.
    throw invalid("url", "is not a URL", "give the full address, e.g. https://hooks.example.com/berth");
  }
}

async function resolve(url: URL, lookup: LookupAll): Promise<LookupAddress[]> {
  const host = bareHostname(url);
  const family = isIP(host);
  if (family !== 0) return [{ address: host, family }];
  try {
    const addresses = await lookup(host, { all: true });
    if (addresses.length > 0) return addresses;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "lookup failed";
    throw invalid(
      "url",
      `the host of ${describeOrigin(url)} does not resolve (${code})`,
      "check the host's spelling and that it has a public DNS record",
    );
  }
  throw invalid("url", `the host of ${describeOrigin(url)} has no addresses`, "check that the host has an A or AAAA record");
}

/**
 * Checks a channel URL before anything is sent to it, so that an app's owner cannot make the
 * controller call into the cluster or its cloud's metadata service (SSRF): http or https only (whose
 * URLs always have a host), no userinfo, and — unless `allowPrivate` — every address the host resolves to public. Every address,
 * not only the first, since which one a connection picks is not ours to decide.
 */
export async function checkDestination(url: string | URL, options: DestinationOptions): Promise<Destination> {
  const parsed = parse(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw invalid("url", `scheme "${parsed.protocol}" is not supported`, "use an http:// or https:// URL");
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw invalid(
      "url",
      "must not carry a user name or password",
      "remove the user:password@ part; put a token in the path or query instead",
    );
  }
  if (parsed.port === "0") throw invalid("url", "port 0 cannot be connected to", "leave the port out, or give the receiver's port");
  const addresses = await resolve(parsed, options.lookup ?? dnsLookup);
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const kind = nonPublicKind(address);
      if (kind !== null) throw invalid("url", `${describeOrigin(parsed)} is at ${address}, a ${kind} address`, ALLOW_PRIVATE_HINT);
    }
  }
  const [first] = addresses as [LookupAddress, ...LookupAddress[]];
  return { url: parsed, address: first.address, family: first.family === 6 ? 6 : 4 };
}
