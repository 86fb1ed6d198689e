import type { Holdup, RouterBoard } from "../route-table/router-board.ts";

/** An instance on its way out: its name, and where the router reaches it (none for types that serve nothing). */
export interface Leaving {
  name: string;
  address: string | null;
}

export interface DrainerOptions {
  /**
   * The longest an instance waits, once no router picks it any more, for the requests in flight to
   * it to finish; then it is stopped regardless. Also how often a router that still routes to it is
   * named in a warning.
   */
  graceMs: number;
  /** Routers' reports; without it (no router follows this controller) instances are stopped at once. */
  routers?: RouterBoard;
  /** Tells the route table the app's instances changed; returns the table version that shows it. */
  onChange: (app: string) => number;
  /** Says, loudly, why an instance is not stopped yet, or is stopped with requests in flight. */
  warn: (app: string, message: string) => void;
}

function describe(holdups: Holdup[]): string {
  return holdups.map((h) => `router ${h.router} ${h.reason}`).join("; ");
}

/**
 * Instances on their way out. Before the deployer stops a routable instance it marks it draining, so
 * the route table lists it apart and routers send it no new requests, then waits until every live
 * router has reported that it serves that table, no longer picks the instance and has nothing in
 * flight there (or the grace period for in-flight requests ran out). A router that keeps routing to
 * it holds the stop for as long as it stays live — a stopped instance it still sent requests to would
 * fail them — with a warning every grace period. Marks stay until the instance is gone (`forget`) or
 * routed again (`release`), so an instance held back for a post-deploy watch stays out of the table.
 */
export class Drainer {
  readonly #options: DrainerOptions;
  readonly #draining = new Map<string, Set<string>>();

  constructor(options: DrainerOptions) {
    this.#options = options;
  }

  /** Names of the app's instances out of the route table now. */
  draining(app: string): ReadonlySet<string> {
    return this.#draining.get(app) ?? new Set();
  }

  /** Tells the route table that the app's instances changed (e.g. new ones became ready). */
  changed(app: string): void {
    this.#options.onChange(app);
  }

  /** Takes the instances out of the route table and resolves once no router sends them requests. */
  async drain(app: string, instances: readonly Leaving[], signal: AbortSignal): Promise<void> {
    if (instances.length === 0) return;
    const set = this.#draining.get(app) ?? new Set<string>();
    this.#draining.set(app, set);
    for (const i of instances) set.add(i.name);
    const version = this.#options.onChange(app);
    const routers = this.#options.routers;
    const addresses = instances.flatMap((i) => (i.address === null ? [] : [i.address]));
    if (routers === undefined || addresses.length === 0) return;
    const { graceMs } = this.#options;
    const names = instances.map((i) => i.name).join(", ");
    let warnAt = Date.now() + graceMs;
    let stopAt: number | undefined;
    // Routers that held the stop, and why: one that is no longer live when the stop goes ahead never
    // confirmed it, and that is said.
    const heldBy = new Map<string, string>();
    for (;;) {
      signal.throwIfAborted();
      const holdups = routers.holdups(addresses, version);
      if (holdups.length === 0) {
        this.#warnUnconfirmed(app, names, heldBy, routers);
        return;
      }
      for (const h of holdups) heldBy.set(h.router, h.reason);
      const routing = holdups.some((h) => h.kind !== "busy");
      const now = Date.now();
      if (!routing) {
        stopAt ??= now + graceMs;
        if (now >= stopAt) {
          this.#options.warn(app, `stopping ${names} after a ${graceMs / 1000}s grace period: ${describe(holdups)}`);
          return;
        }
      } else if (now >= warnAt) {
        this.#options.warn(app, `${names} not stopped yet: ${describe(holdups)}`);
        warnAt = now + graceMs;
      }
      // Woken by each report; routers falling silent are noticed within a quarter second.
      await routers.next(Math.min(250, Math.max(10, (stopAt ?? warnAt) - now)), signal);
    }
  }

  /** Says which routers that held the stop went silent instead of confirming it. */
  #warnUnconfirmed(app: string, names: string, heldBy: ReadonlyMap<string, string>, routers: RouterBoard): void {
    const live = new Set(routers.live().map((r) => r.router));
    const silent = [...heldBy].filter(([router]) => !live.has(router) && router !== "(any)");
    if (silent.length === 0) return;
    const which = silent.map(([router, reason]) => `router ${router} (last said it ${reason})`).join("; ");
    this.#options.warn(
      app,
      `stopping ${names} without the confirmation of ${which}: it has not reported for ${routers.liveMs / 1000}s and is taken for gone; if it still runs, it may send requests to the stopped instance until it reconnects`,
    );
  }

  /** Routes the instances again (a restored release's, held back during a post-deploy watch). */
  release(app: string, names: readonly string[]): void {
    if (this.#unmark(app, names)) this.#options.onChange(app);
  }

  /** The instances are gone: forget their marks. */
  forget(app: string, names: readonly string[]): void {
    if (this.#unmark(app, names)) this.#options.onChange(app);
  }

  /** Drains the instances when they serve requests (`routable`), then runs `remove`. */
  async retire(
    app: string,
    instances: readonly Leaving[],
    routable: boolean,
    remove: () => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    if (instances.length === 0) return;
    if (routable) await this.drain(app, instances, signal);
    await remove();
    this.#unmark(
      app,
      instances.map((i) => i.name),
    );
    this.#options.onChange(app);
  }

  #unmark(app: string, names: readonly string[]): boolean {
    const set = this.#draining.get(app);
    if (set === undefined) return false;
    let changed = false;
    for (const name of names) changed = set.delete(name) || changed;
    if (set.size === 0) this.#draining.delete(app);
    return changed;
  }
}
