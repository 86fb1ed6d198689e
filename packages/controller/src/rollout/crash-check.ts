import { listAppIds } from "../store/apps.ts";
import type { Store } from "../store/open.ts";
import type { Scheduler } from "../scheduler/types.ts";
import { appEvent, type EventSink } from "./app-events.ts";

export interface CrashCheckDeps {
  store: Store;
  scheduler: Pick<Scheduler, "listGroups">;
  emit: EventSink;
}

/**
 * Tells crashes from the engine's restart counts: each instance restarted since the last check is
 * a `crash` event with its process type and restart count. The first check (after `forget`, too)
 * looks at every app and only takes note, so a restarted controller does not report old crashes.
 */
export class CrashCheck {
  readonly #deps: CrashCheckDeps;
  /** Restart counts per app and instance name; undefined before the first check. */
  #restarts: Map<string, Map<string, number>> | undefined;

  constructor(deps: CrashCheckDeps) {
    this.#deps = deps;
  }

  /** Checks these apps, or every app. */
  async check(apps?: string[]): Promise<void> {
    const first = this.#restarts === undefined;
    const known = this.#restarts ?? new Map<string, Map<string, number>>();
    const wanted = first ? undefined : apps;
    if (wanted?.length === 0) return;
    // Named apps that are not in the store (another installation's containers) are left alone.
    const ids = await listAppIds(this.#deps.store.db, wanted);
    if (wanted === undefined) for (const app of known.keys()) if (!ids.includes(app)) known.delete(app);
    for (const id of ids) {
      const before = known.get(id);
      const seen = new Map<string, number>();
      for (const instance of (await this.#deps.scheduler.listGroups(id)).flatMap((g) => g.instances)) {
        seen.set(instance.name, instance.restarts);
        if (first || instance.restarts <= (before?.get(instance.name) ?? 0)) continue;
        const code = instance.exitCode === null ? "" : ` with code ${instance.exitCode}`;
        const message = `${instance.type}.${instance.index} (${instance.name}) exited${code}; restarted ${instance.restarts} time(s)`;
        this.#deps.emit(appEvent(id, "crash", message, instance.release, instance.type));
      }
      known.set(id, seen);
    }
    this.#restarts = known;
  }

  /** The next check only takes note again (a new leader counts from what runs then). */
  forget(): void {
    this.#restarts = undefined;
  }
}
