import { clientAddress } from "./cidr.ts";
import { type AppTarget, type HostMap, normalizeHost } from "./host-map.ts";
import type { AccessLogSink } from "./logger.ts";
import type { AppMetrics } from "./metrics.ts";
import { type Page, pages } from "./pages.ts";
import { requestIdFor, type ScannedRequest } from "./request-headers.ts";
import { RequestLog } from "./respond.ts";

/**
 * Whether a request may go to the app, in the order an operator expects: not routable (404) before
 * maintenance (503) before the allow-list (403) before "no instances" (503). Undefined means proxy it.
 */
export function refusal(target: AppTarget, peer: string, forwardedFor: string | undefined): Page | undefined {
  const route = target.route;
  if (!route.routable) return pages.notRoutable(target.app);
  if (route.maintenance) return pages.maintenance(target.app);
  if (target.allow !== undefined) {
    const client = clientAddress(peer, forwardedFor, target.trusted);
    if (!target.allow.has(client)) return pages.forbidden(target.app, client);
  }
  if (target.upstreams.length === 0) return pages.noInstances(target.app);
  return undefined;
}

/**
 * What the admission step decided for one request, with its access-log line begun (`log.app` set):
 * proxy it to `target`, give it to the platform's handler, or answer it with `page` (the entry point
 * writes the page its own way, then calls {@link refuse}).
 */
export type Admitted =
  | { readonly kind: "app"; readonly log: RequestLog; readonly target: AppTarget }
  | { readonly kind: "platform"; readonly log: RequestLog }
  | { readonly kind: "refused"; readonly log: RequestLog; readonly page: Page; readonly metrics: AppMetrics | Float64Array };

export interface AdmissionDeps {
  /** The current host map (it is replaced whenever the route table changes). */
  hosts: () => HostMap;
  /** `berth.<domain>` and its aliases, normalised. */
  platformHosts: ReadonlySet<string>;
  accessLog: AccessLogSink;
  /** Where requests for no app are counted. */
  unrouted: Float64Array;
}

/**
 * The router's one admission step, shared by the request handler, the upgrade handler and the fast
 * path: host → app (or the platform) → refusal, and the request's access-log line begun.
 */
export class Admission {
  readonly #deps: AdmissionDeps;

  constructor(deps: AdmissionDeps) {
    this.#deps = deps;
  }

  /** The app answering to `host` (a Host header's value, port and case as sent). */
  lookup(host: string): AppTarget | undefined {
    const hosts = this.#deps.hosts();
    const colon = host.indexOf(":");
    return hosts.get(colon === -1 ? host : host.slice(0, colon)) ?? hosts.get(normalizeHost(host));
  }

  /**
   * Decides for one request. `start` is `performance.now()` when it began; `requiresHost` says it is
   * HTTP/1.1 (an HTTP/1.0 request may leave out Host); `platform` says the entry point has a handler
   * to give the platform's hosts to. Positional, so the fast path builds no argument object.
   */
  admit(
    scan: ScannedRequest,
    method: string,
    path: string,
    peer: string,
    start: number,
    requiresHost: boolean,
    platform: boolean,
  ): Admitted {
    const host = scan.host ?? "";
    const log = new RequestLog(this.#deps.accessLog, start, method, path, host, peer, requestIdFor(scan.requestId));
    if (scan.host === undefined && requiresHost) {
      return { kind: "refused", log, page: pages.missingHost(), metrics: this.#deps.unrouted };
    }
    const target = this.lookup(host);
    if (target === undefined) {
      const name = normalizeHost(host);
      if (!this.#deps.platformHosts.has(name)) {
        return { kind: "refused", log, page: pages.unknownHost(name || "(none)"), metrics: this.#deps.unrouted };
      }
      if (!platform) return { kind: "refused", log, page: pages.noPlatform(name), metrics: this.#deps.unrouted };
      log.app = "(platform)";
      return { kind: "platform", log };
    }
    log.app = target.app;
    const page = refusal(target, peer, scan.forwardedFor);
    return page === undefined ? { kind: "app", log, target } : { kind: "refused", log, page, metrics: target.metrics };
  }
}

/** Ends the access-log line of a refused request, once its page is written. */
export function refuse(admitted: Admitted & { kind: "refused" }): void {
  admitted.log.status = admitted.page.status;
  admitted.log.finish(admitted.metrics);
}
