import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.ts";
import { acquireLease, askToYield, releaseLease, renewLease } from "../store/leases.ts";
import type { Store } from "../store/open.ts";

export interface LeaseOptions {
  /** How long a lease lasts unless renewed, in ms: how soon another controller takes over from one that died. Default 15 s. */
  ttlMs?: number;
  /** How often a held lease is renewed (and a request to yield noticed), in ms. Default a third of `ttlMs`. */
  renewMs?: number;
  /** How often a controller waiting for a lease tries again, in ms. Default 500 ms. */
  retryMs?: number;
  /** This controller's name in the leases it holds. Default `<hostname>/<pid>/<random>` (a pod's hostname is its name). */
  holder?: string;
}

/**
 * How to get a lease another controller holds: `take-over` asks it to give the lease up (it stops
 * its work at its next renewal) and waits; `wait` waits until it is free; `skip` gives up at once.
 */
export type LeaseWait = "take-over" | "wait" | "skip";

/** Resolves once `signal` aborts (at once if it has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

/** Why work holding a lease was stopped: the lease was lost, or another controller asked for it. */
export class LeaseLost extends Error {
  constructor(name: string, why: string) {
    super(`the lease ${name} ${why}`);
    this.name = "LeaseLost";
  }
}

/**
 * Leases in the shared database, so that several controllers (chart replicas) never do the same
 * work at once: `controller` for the leader's background loops, `app:<id>` for whatever changes an
 * app's instances. A lease lasts `ttlMs` and is renewed every `renewMs`; work holding one gets an
 * AbortSignal that aborts once it can no longer be sure it holds it (a renewal found it taken, or
 * renewals failed for longer than the lease lasts) or another controller asked for it, and the lease
 * is released when the work ends. Like Kubernetes' leader election this trusts clocks only to run at
 * the same rate: expiries are compared on the database's clock, and a controller stops its work
 * before its own lease can have run out.
 */
export class Leases {
  readonly holder: string;
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #renewMs: number;
  readonly #retryMs: number;
  readonly #closing = new AbortController();

  constructor(store: Store, logger: Logger, options: LeaseOptions = {}) {
    this.#store = store;
    this.#logger = logger.child({ component: "leases" });
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#renewMs = options.renewMs ?? Math.floor(this.#ttlMs / 3);
    this.#retryMs = options.retryMs ?? 500;
    this.holder = options.holder ?? `${hostname()}/${process.pid}/${randomBytes(3).toString("hex")}`;
  }

  /**
   * Runs `work` while this controller holds lease `name`, getting it as `wait` says. Resolves with
   * the work's result, or undefined when `skip` found the lease held. The work's signal aborts when
   * `signal` does, when the lease is lost or asked for (with a {@link LeaseLost} reason), and on `close`.
   */
  async hold<T>(
    name: string,
    work: (signal: AbortSignal) => Promise<T>,
    options: { wait: LeaseWait; signal?: AbortSignal },
  ): Promise<T | undefined> {
    const { db, backend } = this.#store;
    const outer = AbortSignal.any([this.#closing.signal, ...(options.signal === undefined ? [] : [options.signal])]);
    let asked = false;
    outer.throwIfAborted();
    while (!(await acquireLease(db, backend, name, this.holder, this.#ttlMs))) {
      if (options.wait === "skip") return undefined;
      // Asked again on every try: the holder may have taken the lease anew meanwhile (which clears a request).
      if (options.wait === "take-over" && (await askToYield(db, backend, name, this.holder)) && !asked) {
        asked = true;
        this.#logger.info("asked the holder of a lease to give it up", { lease: name });
      }
      await sleep(this.#retryMs, undefined, { signal: outer });
    }
    const lost = new AbortController();
    const signal = AbortSignal.any([outer, lost.signal]);
    let renewedAt = Date.now();
    const renew = async () => {
      try {
        const renewal = await renewLease(db, backend, name, this.holder, this.#ttlMs);
        if (!renewal.held) return lost.abort(new LeaseLost(name, "was taken by another controller"));
        renewedAt = Date.now();
        if (renewal.yieldTo !== null) lost.abort(new LeaseLost(name, `was asked for by ${renewal.yieldTo}`));
      } catch (error) {
        // The lease may run out on the database's clock before the next try: stop while it cannot have.
        if (Date.now() - renewedAt > this.#ttlMs - this.#renewMs) {
          lost.abort(new LeaseLost(name, "could not be renewed (the database did not answer)"));
        }
        this.#logger.warn("a lease could not be renewed", { lease: name, err: error });
      }
    };
    let renewing = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(renew);
    }, this.#renewMs).unref();
    try {
      return await work(signal);
    } finally {
      clearInterval(timer);
      await renewing;
      await releaseLease(db, name, this.holder).catch((error: unknown) =>
        this.#logger.warn("a lease was not released; it runs out by itself", { lease: name, err: error }),
      );
    }
  }

  /**
   * Runs `lead` whenever this controller is the leader (holds lease `name`), until `close`: `lead`
   * gets a signal that aborts when leadership ends, and is called again once it is regained. Resolves
   * on `close`.
   */
  async lead(name: string, lead: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const closing = this.#closing.signal;
    while (!closing.aborted) {
      try {
        await this.hold(
          name,
          async (signal) => {
            this.#logger.info("leading", { lease: name, holder: this.holder });
            await lead(signal);
            // Leadership lasts until the lease is lost or the controller closes, whatever `lead` returns.
            await untilAborted(signal);
            if (!closing.aborted) this.#logger.warn("no longer leading", { lease: name, reason: String(signal.reason) });
          },
          { wait: "wait" },
        );
      } catch (error) {
        if (closing.aborted) return;
        this.#logger.warn("could not take part in the leader election; trying again", { lease: name, err: error });
        await sleep(this.#retryMs * 4, undefined, { signal: closing }).catch(() => {});
      }
    }
  }

  /** Stops every work holding a lease (each releases it as it ends) and every wait for one. */
  close(): void {
    this.#closing.abort(new LeaseLost("*", "was given up: the controller is stopping"));
  }
}
