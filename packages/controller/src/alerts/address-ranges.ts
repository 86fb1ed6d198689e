import { isIPv4, isIPv6 } from "node:net";

interface Range {
  bytes: Uint8Array;
  prefixBits: number;
  kind: string;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split(".").map(Number));
}

/** The 16 bytes of an IPv6 address, including the dotted IPv4 tail of forms like `::ffff:127.0.0.1`. */
function ipv6Bytes(address: string): Uint8Array {
  let text = address.split("%")[0] ?? "";
  const tail = text.lastIndexOf(":");
  const last = text.slice(tail + 1);
  if (isIPv4(last)) {
    const [a = 0, b = 0, c = 0, d = 0] = ipv4Bytes(last);
    text = `${text.slice(0, tail + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", rest] = text.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = rest === undefined || rest === "" ? [] : rest.split(":");
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  });
  return bytes;
}

function v4(address: string, prefixBits: number, kind: string): Range {
  return { bytes: ipv4Bytes(address), prefixBits, kind };
}

function v6(address: string, prefixBits: number, kind: string): Range {
  return { bytes: ipv6Bytes(address), prefixBits, kind };
}

const V4_RANGES: readonly Range[] = [
  v4("0.0.0.0", 8, "unspecified"),
  v4("10.0.0.0", 8, "private"),
  v4("100.64.0.0", 10, "shared (CGNAT)"),
  v4("127.0.0.0", 8, "loopback"),
  v4("169.254.0.0", 16, "link-local"),
  v4("172.16.0.0", 12, "private"),
  v4("192.168.0.0", 16, "private"),
  v4("224.0.0.0", 4, "multicast"),
  // Includes the broadcast address 255.255.255.255.
  v4("240.0.0.0", 4, "reserved"),
];

const V6_RANGES: readonly Range[] = [
  v6("::", 128, "unspecified"),
  v6("::1", 128, "loopback"),
  v6("fc00::", 7, "private (unique local)"),
  v6("fe80::", 10, "link-local"),
  v6("ff00::", 8, "multicast"),
];

/**
 * IPv6 prefixes whose last 32 bits are an IPv4 address the packet ends up at: IPv4-mapped
 * (`::ffff:127.0.0.1`, which a dual-stack socket connects to 127.0.0.1), NAT64 (`64:ff9b::/96`, which
 * a NAT64 gateway translates) and the deprecated IPv4-compatible `::/96`. Their IPv4 part is judged.
 */
const EMBEDDING_V4: readonly Range[] = [v6("::ffff:0:0", 96, "IPv4-mapped"), v6("64:ff9b::", 96, "NAT64"), v6("::", 96, "IPv4-compatible")];

function within(bytes: Uint8Array, range: Range): boolean {
  const whole = Math.floor(range.prefixBits / 8);
  for (let i = 0; i < whole; i++) if (bytes[i] !== range.bytes[i]) return false;
  const bits = range.prefixBits % 8;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return ((bytes[whole] ?? 0) & mask) === ((range.bytes[whole] ?? 0) & mask);
}

function v4Kind(bytes: Uint8Array): string | null {
  return V4_RANGES.find((range) => within(bytes, range))?.kind ?? null;
}

/**
 * The kind of non-public range `address` (an IPv4 or IPv6 literal) is in — "loopback", "private",
 * "link-local", … — or null for an address on the public internet.
 */
export function nonPublicKind(address: string): string | null {
  if (isIPv4(address)) return v4Kind(ipv4Bytes(address));
  if (!isIPv6(address)) throw new TypeError(`nonPublicKind: "${address}" is not an IP address; resolve the host first`);
  const bytes = ipv6Bytes(address);
  const own = V6_RANGES.find((range) => within(bytes, range));
  if (own !== undefined) return own.kind;
  const embedding = EMBEDDING_V4.find((range) => within(bytes, range));
  if (embedding === undefined) return null;
  const kind = v4Kind(bytes.subarray(12));
  return kind === null ? null : `${embedding.kind} ${kind}`;
}
