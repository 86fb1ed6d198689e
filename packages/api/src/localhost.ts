import type { LookupAddress } from "node:dns";
import type { LookupFunction } from "node:net";
import type { Fetch } from "./client.ts";

/**
 * Whether a host name is `localhost` or a name under it, which RFC 6761 (§6.3) lets every resolver
 * answer with loopback. glibc, and so Node's resolver, answers only what /etc/hosts lists: usually
 * `localhost` itself and never `berth.localhost`.
 */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

const loopback: readonly LookupAddress[] = [
  // IPv4 first: a server bound to 0.0.0.0 (the platform's default) does not answer on ::1.
  { address: "127.0.0.1", family: 4 },
  { address: "::1", family: 6 },
];

/** A `lookup` for node:net that answers loopback, whatever the name (only localhost names reach it). */
const lookupLoopback: LookupFunction = (_hostname, options, callback) => {
  const wanted = loopback.filter((entry) => options.family === undefined || options.family === 0 || options.family === entry.family);
  if (options.all === true) return (callback as (error: null, addresses: LookupAddress[]) => void)(null, wanted);
  const first = wanted[0] ?? loopback[0];
  (callback as (error: null, address: string, family: number) => void)(null, first?.address ?? "127.0.0.1", first?.family ?? 4);
};

/**
 * The subset of fetch ControllerClient uses (method, headers, a string body, signal; no redirects,
 * which the API never sends), over node:http with a lookup that answers loopback. Node's fetch
 * takes no resolver and overwrites a Host header, so this is how the URL's own name stays the Host
 * header (the router routes by it) and the TLS server name. node:http is loaded on first use: it
 * costs the CLI's start about 45 ms, which commands against other hosts need not pay.
 */
async function fetchOverLoopback(url: URL, init: RequestInit): Promise<Response> {
  if (init.body !== undefined && init.body !== null && typeof init.body !== "string") {
    throw new TypeError("only string request bodies are sent to localhost names");
  }
  const [{ request: httpRequest }, { request: httpsRequest }, { Readable }] = await Promise.all([
    import("node:http"),
    import("node:https"),
    import("node:stream"),
  ]);
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const headers = Object.fromEntries(new Headers(init.headers));
    const method = init.method ?? "GET";
    const request = send(url, { method, headers, lookup: lookupLoopback, ...(init.signal ? { signal: init.signal } : {}) }, (response) => {
      const status = response.statusCode ?? 502;
      const answered = new Headers();
      for (let i = 0; i + 1 < response.rawHeaders.length; i += 2) {
        answered.append(response.rawHeaders[i] ?? "", response.rawHeaders[i + 1] ?? "");
      }
      const empty = status === 204 || status === 304 || method === "HEAD";
      if (empty) response.resume();
      const body = empty ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, statusText: response.statusMessage ?? "", headers: answered }));
    });
    request.once("error", reject);
    request.end(init.body ?? undefined);
  });
}

/**
 * The fetch Berth's clients use: the global one, except that `localhost` and `*.localhost` are
 * reached on loopback, so every address the platform's start banner prints
 * (`http://berth.localhost:8080`) works on machines whose resolver does not know those names.
 */
export const localhostAwareFetch: Fetch = (input, init = {}) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!isLocalhostName(url.hostname) || input instanceof Request) return globalThis.fetch(input, init);
  return fetchOverLoopback(url, init);
};
