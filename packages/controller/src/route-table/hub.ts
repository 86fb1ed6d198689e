/**
 * Where changes to the route table are announced (domains, settings, apps, instances). Versions
 * come from the clock, kept strictly increasing, so they keep growing across controller restarts
 * and a router resuming with `since` never misses a change.
 */
export class RouteTableHub {
  #version = Date.now();
  readonly #listeners = new Set<(version: number) => void>();

  get version(): number {
    return this.#version;
  }

  /** Something that shapes the route table changed. */
  changed(): void {
    this.#version = Math.max(this.#version + 1, Date.now());
    for (const listener of this.#listeners) listener(this.#version);
  }

  /** Calls `listener` on every change until the returned function is called. */
  subscribe(listener: (version: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Instances of an app's routable process, as the scheduler sees them. */
export interface Upstreams {
  ready: string[];
  draining: string[];
}

/** Answers which instances serve an app's web traffic. Implemented by the deployer/scheduler. */
export interface UpstreamSource {
  upstreams(app: string): Promise<Upstreams>;
}

/** The source of a controller without a scheduler: no instances anywhere. */
export const noUpstreams: UpstreamSource = { upstreams: async () => ({ ready: [], draining: [] }) };
