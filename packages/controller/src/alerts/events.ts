import { eventsOfKind } from "../store/app-events.ts";
import type { Executor } from "../store/schema.ts";

/** Something an event rule notifies of once: a failed deploy, a rollback. */
export interface AlertEvent {
  /** When it happened (the release's last change); the rule's cursor moves past it. */
  time: string;
  figure: string;
  /** A rollback that restored the previous release by itself (a failed deploy). */
  automatic: boolean;
}

/** The app's failed builds after `cursor` (its `build` events: the builder reports only failures). */
async function failedBuilds(db: Executor, appId: string, cursor: string): Promise<AlertEvent[]> {
  const rows = await eventsOfKind(db, appId, "build", cursor);
  // Strictly after: the cursor is the newest event already notified.
  return rows.filter((r) => r.time > cursor).map((r) => ({ time: r.time, figure: r.message, automatic: false }));
}

/** The app's failed builds, failed deploys or rollbacks (by `kind`) after `cursor`, oldest first. */
export async function eventsAfter(db: Executor, appId: string, kind: string, cursor: string): Promise<AlertEvent[]> {
  if (kind === "build-failed") return failedBuilds(db, appId, cursor);
  const rows = await db
    .selectFrom("releases")
    .select(["version", "state", "failure", "summary", "updated", "created"])
    .where("app_id", "=", appId)
    .where("updated", ">", cursor)
    .orderBy("updated")
    .limit(100)
    .execute();
  const out: AlertEvent[] = [];
  for (const r of rows) {
    const failed = r.state === "failed";
    if (kind === "deploy-failed" && failed) {
      out.push({ time: r.updated, figure: `v${r.version} failed to deploy: ${r.failure ?? "no reason recorded"}`, automatic: true });
    }
    if (kind === "rollback") {
      const manual = / rolled back to v\d+$/.test(r.summary) && r.created > cursor;
      if (failed) out.push({ time: r.updated, figure: `v${r.version} failed; the previous release was restored`, automatic: true });
      else if (manual) out.push({ time: r.updated, figure: `v${r.version}: ${r.summary}`, automatic: false });
    }
  }
  return out;
}
