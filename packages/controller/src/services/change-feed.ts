import type { Logger } from "../logger.ts";
import type { RouteTableHub } from "../route-table/hub.ts";
import { announceChange, recentChanges } from "../store/changes.ts";
import type { Store } from "../store/open.ts";
import type { ReleaseHub } from "./release-hub.ts";

export interface ChangeFeedOptions {
  /** How often the other controllers' changes are looked for, in ms. Default 1 s. */
  pollMs?: number;
  /** How far back each look goes, in ms: changes committed late (or a slow look) are still seen. Default 10 s. */
  windowMs?: number;
}

const ROUTES = "routes";
const RELEASE = "release:";

/**
 * Shares the in-process hubs' changes among controllers on one database (chart replicas): a change
 * here is announced in the store, and changes announced by the others are told to this one's hubs,
 * so a router watching any controller gets every route table change and a release waiter on any
 * controller wakes when the rollout another one runs moves on. Each look reads the last `windowMs`
 * of changes and skips those already seen; after a look failed, everything counts as changed.
 * Returns the function that stops it.
 */
export function shareChanges(
  store: Store,
  hubs: { routes: RouteTableHub; releases: ReleaseHub },
  logger: Logger,
  options: ChangeFeedOptions = {},
): () => void {
  const { db, backend } = store;
  const windowMs = options.windowMs ?? 10_000;
  /** `topic@version` → version, of changes made here or already told to the hubs. */
  const seen = new Map<string, number>();
  let applying = false;
  let failed = false;
  const tell = (apply: () => void) => {
    applying = true;
    try {
      apply();
    } finally {
      applying = false;
    }
  };
  const announce = (topic: string) => {
    if (applying) return;
    announceChange(db, backend, topic).then(
      (version) => seen.set(`${topic}@${version}`, version),
      (err: unknown) => logger.warn("a change was not announced to the other controllers", { topic, err }),
    );
  };
  const unsubscribe = [hubs.routes.subscribe(() => announce(ROUTES)), hubs.releases.subscribe((app) => announce(`${RELEASE}${app}`))];
  let looking = false;
  const look = async () => {
    if (looking) return;
    looking = true;
    try {
      const changes = await recentChanges(db, backend, windowMs);
      if (failed) {
        failed = false;
        tell(() => {
          hubs.routes.changed();
          hubs.releases.changedAll();
        });
      }
      for (const { topic, version } of changes) {
        const key = `${topic}@${version}`;
        if (seen.has(key)) continue;
        seen.set(key, version);
        tell(() => (topic === ROUTES ? hubs.routes.changed() : hubs.releases.changed(topic.slice(RELEASE.length))));
      }
      const newest = Math.max(0, ...changes.map((c) => c.version));
      for (const [key, version] of seen) if (version < newest - 2 * windowMs) seen.delete(key);
    } catch (err) {
      if (!failed) logger.warn("could not look for the other controllers' changes; trying again", { err });
      failed = true;
    } finally {
      looking = false;
    }
  };
  const timer = setInterval(() => void look(), options.pollMs ?? 1000).unref();
  return () => {
    clearInterval(timer);
    for (const stop of unsubscribe) stop();
  };
}
