import { BlockList, isIPv4, isIPv6 } from "node:net";

/** A set of CIDRs (IPv4 and IPv6) that answers "is this address inside?". */
export interface AddressSet {
  has(address: string): boolean;
  readonly size: number;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`; zone ids dropped. */
export function normalizeAddress(address: string): string {
  if (address.startsWith("::ffff:") && address.indexOf(".") !== -1) return address.slice(7);
  const zone = address.indexOf("%");
  return zone === -1 ? address : address.slice(0, zone);
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address; throws a clear error on anything else. */
export function parseCidr(text: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } {
  const slash = text.indexOf("/");
  const address = normalizeAddress((slash === -1 ? text : text.slice(0, slash)).trim());
  const family = isIPv4(address) ? "ipv4" : isIPv6(address) ? "ipv6" : undefined;
  if (family === undefined) throw new Error(`"${text}" is not an IP address or CIDR — use e.g. 10.0.0.0/8 or 2001:db8::/32`);
  const max = family === "ipv4" ? 32 : 128;
  const prefix = slash === -1 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(`"${text}" has an invalid prefix length — use 0-${max} for ${family}`);
  }
  return { address, prefix, family };
}

/**
 * Builds an {@link AddressSet}. Invalid entries are reported through `onInvalid` and left out: for an
 * allow-list that only narrows who gets in, for trusted proxies it only narrows whom we believe.
 */
export function createAddressSet(cidrs: readonly string[], onInvalid: (error: Error) => void = () => {}): AddressSet {
  const list = new BlockList();
  let size = 0;
  for (const cidr of cidrs) {
    try {
      const { address, prefix, family } = parseCidr(cidr);
      list.addSubnet(address, prefix, family);
      size++;
    } catch (error) {
      onInvalid(error as Error);
    }
  }
  return {
    size,
    has(address) {
      const ip = normalizeAddress(address);
      if (isIPv4(ip)) return list.check(ip, "ipv4");
      if (isIPv6(ip)) return list.check(ip, "ipv6");
      return false;
    },
  };
}

/**
 * The client's address for allow-list checks: the socket peer, unless the peer is a trusted proxy — then
 * X-Forwarded-For is walked from the right, skipping trusted proxies; the first other address is the client.
 */
export function clientAddress(peer: string, forwardedFor: string | undefined, trusted: AddressSet | undefined): string {
  const direct = normalizeAddress(peer);
  if (forwardedFor === undefined || trusted === undefined || trusted.size === 0 || !trusted.has(direct)) return direct;
  const hops = forwardedFor.split(",");
  let client = direct;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress(hops[i]!.trim());
    if (hop === "") continue;
    client = hop;
    if (!trusted.has(hop)) break;
  }
  return client;
}
