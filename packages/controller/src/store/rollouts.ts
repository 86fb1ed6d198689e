import type { Formation, RolloutProgress } from "@berth/api";
import type { Executor, RolloutRow } from "./schema.ts";
import { decodePlan, decodeProgress } from "./codec.ts";

export type RolloutKind = "deploy" | "restart";
export type RolloutPhase = "rolling" | "reverting";

/**
 * What a rollout started from: enough to put the app back as it was. When a newer release takes a
 * rollout over, it keeps the plan: a failure restores what ran before the first of them.
 */
export interface RolloutPlan {
  /** Replica counts per type when the rollout was accepted (the app's formation, read again on every run, rules). */
  formation: Formation;
  /** The groups that ran when the rollout started, with their instance counts; null until observed. */
  previous: { release: number; type: string; replicas: number }[] | null;
}

export interface Rollout {
  app: string;
  version: number;
  kind: RolloutKind;
  phase: RolloutPhase;
  plan: RolloutPlan;
  reason: string | null;
  /** How far it has got, as last recorded; null until the first batch. */
  progress: RolloutProgress | null;
  started: string;
}

function fromRow(row: RolloutRow): Rollout {
  return {
    app: row.app_id,
    version: row.version,
    kind: row.kind as RolloutKind,
    phase: row.phase as RolloutPhase,
    plan: decodePlan(row.plan),
    reason: row.reason,
    progress: row.progress === null ? null : decodeProgress(row.progress),
    started: row.started,
  };
}

export async function findRollout(db: Executor, appId: string): Promise<Rollout | undefined> {
  const row = await db.selectFrom("rollouts").selectAll().where("app_id", "=", appId).executeTakeFirst();
  return row === undefined ? undefined : fromRow(row);
}

export async function listRollouts(db: Executor): Promise<Rollout[]> {
  const rows = await db.selectFrom("rollouts").selectAll().orderBy("app_id").execute();
  return rows.map(fromRow);
}

/** Claims the app's rollout slot; the primary key makes a second claim fail. */
export async function insertRollout(db: Executor, rollout: Omit<Rollout, "started" | "reason" | "progress">): Promise<void> {
  const now = new Date().toISOString();
  await db
    .insertInto("rollouts")
    .values({
      app_id: rollout.app,
      version: rollout.version,
      kind: rollout.kind,
      phase: rollout.phase,
      plan: JSON.stringify(rollout.plan),
      reason: null,
      progress: null,
      started: now,
      updated: now,
    })
    .execute();
}

/** Changes the app's rollout of `version`; false when there is none (it ended, or a newer release took it over). */
export async function updateRollout(
  db: Executor,
  appId: string,
  version: number,
  change: { phase?: RolloutPhase; plan?: RolloutPlan; reason?: string; progress?: RolloutProgress },
): Promise<boolean> {
  const result = await db
    .updateTable("rollouts")
    .set({
      updated: new Date().toISOString(),
      ...(change.phase === undefined ? {} : { phase: change.phase }),
      ...(change.plan === undefined ? {} : { plan: JSON.stringify(change.plan) }),
      ...(change.reason === undefined ? {} : { reason: change.reason }),
      ...(change.progress === undefined ? {} : { progress: JSON.stringify(change.progress) }),
    })
    .where("app_id", "=", appId)
    .where("version", "=", version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Hands the app's rollout slot to a newer release (`version`, a deploy): it goes on from where the
 * engine stands, with the plan of the rollout it replaces. One statement that claims the slot whether
 * or not it is still held: a restart may end (and free it) between the caller's look and this write,
 * and an update of a row that is gone would leave the release without a rollout, pending for good.
 */
export async function takeOverRollout(db: Executor, appId: string, version: number, plan: RolloutPlan): Promise<void> {
  const now = new Date().toISOString();
  const taken = { version, kind: "deploy" as const, phase: "rolling" as const, plan: JSON.stringify(plan), reason: null, progress: null };
  await db
    .insertInto("rollouts")
    .values({ app_id: appId, ...taken, started: now, updated: now })
    .onConflict((oc) => oc.column("app_id").doUpdateSet({ ...taken, updated: now }))
    .execute();
}

/** Ends the app's rollout (of `version` only, when given); true when there was one to end. */
export async function deleteRollout(db: Executor, appId: string, version?: number): Promise<boolean> {
  let query = db.deleteFrom("rollouts").where("app_id", "=", appId);
  if (version !== undefined) query = query.where("version", "=", version);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The version of the app's release that is deployed now (the one that runs), if any. */
export async function deployedVersion(db: Executor, appId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom("releases")
    .select("version")
    .where("app_id", "=", appId)
    .where("state", "=", "deployed")
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.version;
}
