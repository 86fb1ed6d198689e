import { randomBytes } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { type Migration, type MigrationProvider, Migrator } from "kysely/migration";
import type { Db } from "./schema.ts";
import { BerthError } from "../errors.ts";

/** The schema's history. Append new migrations; never edit one that has shipped. */
const migrations: Record<string, Migration> = {
  "0001-initial": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("username", "text", (c) => c.notNull().unique())
        .addColumn("email", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("is_admin", "integer", (c) => c.notNull())
        .addColumn("created", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("tokens")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("tokens_user").on("tokens").column("user_id").execute();
      await db.schema
        .createTable("apps")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("structure", "text", (c) => c.notNull())
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("perms")
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("perms_pk", ["app_id", "user_id"])
        .execute();
      await db.schema
        .createTable("builds")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("image", "text", (c) => c.notNull())
        .addColumn("sha", "text", (c) => c.notNull())
        .addColumn("procfile", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("log", "text", (c) => c.notNull())
        .addColumn("duration_ms", "integer")
        .addColumn("created", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("builds_app").on("builds").columns(["app_id", "created"]).execute();
      await db.schema
        .createTable("configs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("values", "text", (c) => c.notNull())
        .addColumn("limits", "text", (c) => c.notNull())
        .addColumn("healthchecks", "text", (c) => c.notNull())
        .addColumn("created", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("releases")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
        .addColumn("build_id", "text", (c) => c.references("builds.id"))
        .addColumn("config_id", "text", (c) => c.notNull().references("configs.id"))
        .addColumn("summary", "text", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("failure", "text")
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .addUniqueConstraint("releases_app_version", ["app_id", "version"])
        .execute();
    },
  },
  "0002-rollouts": {
    async up(db: Kysely<unknown>) {
      // One row per app while a rollout (or restart) runs: the primary key is the "one at a time" rule.
      await db.schema
        .createTable("rollouts")
        .addColumn("app_id", "text", (c) => c.primaryKey().references("apps.id").onDelete("cascade"))
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("phase", "text", (c) => c.notNull())
        .addColumn("plan", "text", (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("started", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0003-routing": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("domains")
        .addColumn("domain", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("created", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("domains_app").on("domains").column("app_id").execute();
      await db.schema
        .createTable("app_settings")
        .addColumn("app_id", "text", (c) => c.primaryKey().references("apps.id").onDelete("cascade"))
        .addColumn("maintenance", "integer", (c) => c.notNull())
        .addColumn("routable", "integer", (c) => c.notNull())
        .addColumn("allowlist", "text", (c) => c.notNull())
        .addColumn("connect_timeout", "integer", (c) => c.notNull())
        .addColumn("read_timeout", "integer", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .execute();
    },
  },
  "0004-events": {
    async up(db: Kysely<unknown>) {
      // Platform events of an app (deploys, crashes, scaling…) for its log stream.
      await db.schema
        .createTable("app_events")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("time", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("release", "text")
        .addColumn("message", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("app_events_app_time").on("app_events").columns(["app_id", "time"]).execute();
    },
  },
  "0005-token-ids": {
    async up(db: Kysely<unknown>) {
      // Tokens get a public id (to list and revoke them), a label saying where they came from, and
      // when they last authenticated a request. One statement per column: SQLite alters one at a time.
      await db.schema
        .alterTable("tokens")
        .addColumn("id", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      await db.schema
        .alterTable("tokens")
        .addColumn("label", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      await db.schema.alterTable("tokens").addColumn("last_used", "text").execute();
      const tokens = db as Kysely<{ tokens: { token_hash: string; id: string; label: string } }>;
      for (const { token_hash } of await tokens.selectFrom("tokens").select("token_hash").execute()) {
        await tokens
          .updateTable("tokens")
          .set({ id: randomBytes(6).toString("hex"), label: "issued before tokens were labelled" })
          .where("token_hash", "=", token_hash)
          .execute();
      }
      await db.schema.createIndex("tokens_id").on("tokens").column("id").unique().execute();
    },
  },
  "0006-rollout-progress": {
    async up(db: Kysely<unknown>) {
      // JSON (RolloutProgress): how far the rollout has got, for those who wait for its release.
      await db.schema.alterTable("rollouts").addColumn("progress", "text").execute();
    },
  },
  "0007-replicas": {
    async up(db: Kysely<unknown>) {
      // Who does what, when several controllers share the database (see src/leases/): the leader
      // (`controller`) and one holder per app's instances (`app:<id>`), each until `expires` (ms
      // since the epoch, by the database's clock) unless renewed; `yield_to` is a controller that
      // asked the holder to give it up.
      await db.schema
        .createTable("leases")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("holder", "text", (c) => c.notNull())
        .addColumn("expires", "bigint", (c) => c.notNull())
        .addColumn("yield_to", "text")
        .execute();
      // When something others wait for last changed (`routes`, `release:<app>`), by the database's
      // clock in ms: controllers sharing the database poll it to tell their routers and waiters.
      await db.schema
        .createTable("changes")
        .addColumn("topic", "text", (c) => c.primaryKey())
        .addColumn("version", "bigint", (c) => c.notNull())
        .execute();
    },
  },
  "0008-metrics": {
    async up(db: Kysely<unknown>) {
      // Each router's count of an app's requests per minute (`start`, ms since the epoch), as its
      // latest report for that minute said: `source` is `<router>#<boot>`, so the replicas (and a
      // router's restarts) add up. `latency` is JSON: counts per METRICS_LATENCY_BOUNDS_MS bucket.
      await db.schema
        .createTable("traffic")
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("start", "bigint", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("requests", "integer", (c) => c.notNull())
        .addColumn("errors", "integer", (c) => c.notNull())
        .addColumn("latency", "text", (c) => c.notNull())
        .addColumn("latency_sum_ms", "double precision", (c) => c.notNull())
        .addPrimaryKeyConstraint("traffic_pk", ["app_id", "start", "source"])
        .execute();
      await db.schema.createIndex("traffic_start").on("traffic").column("start").execute();
      // Which process type an event is about (a crash's), where it is about one.
      await db.schema.alterTable("app_events").addColumn("process", "text").execute();
      await db.schema.createIndex("app_events_kind").on("app_events").columns(["app_id", "kind", "time"]).execute();
    },
  },
  "0009-alerts": {
    async up(db: Kysely<unknown>) {
      // Where an app's notifications go (`app_id` null: every app's, a platform channel an admin
      // added); `secret` signs a webhook's deliveries and is never shown again.
      await db.schema
        .createTable("alert_channels")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.references("apps.id").onDelete("cascade"))
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("url", "text", (c) => c.notNull())
        .addColumn("secret", "text")
        .addColumn("enabled", "integer", (c) => c.notNull())
        .addColumn("disabled_reason", "text")
        .addColumn("created", "text", (c) => c.notNull())
        .execute();
      // A rule and its state (ok, pending, firing since `state_since`), kept here so that a restarted
      // controller, or the next leader, carries on where the last evaluation left off. `cursor`: the
      // time of the newest event an event rule has seen.
      await db.schema
        .createTable("alert_rules")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("threshold", "double precision")
        .addColumn("window_s", "integer")
        .addColumn("for_s", "integer", (c) => c.notNull())
        .addColumn("min_requests", "integer")
        .addColumn("channels", "text", (c) => c.notNull())
        .addColumn("enabled", "integer", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("state_since", "text", (c) => c.notNull())
        .addColumn("clear_since", "text")
        .addColumn("figure", "text")
        .addColumn("silenced_until", "text")
        .addColumn("notified", "text")
        .addColumn("cursor", "text", (c) => c.notNull())
        .addColumn("created", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("alert_rules_app").on("alert_rules").column("app_id").execute();
      await db.schema
        .createTable("alert_history")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("rule_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("change", "text", (c) => c.notNull())
        .addColumn("figure", "text", (c) => c.notNull())
        .addColumn("time", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("alert_history_app").on("alert_history").columns(["app_id", "time"]).execute();
      // One notification to one channel: `body` is the notification (JSON) it sends on each attempt.
      await db.schema
        .createTable("alert_deliveries")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("app_id", "text", (c) => c.notNull().references("apps.id").onDelete("cascade"))
        .addColumn("channel_id", "text", (c) => c.notNull())
        .addColumn("rule_id", "text")
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("last_status", "integer")
        .addColumn("last_error", "text")
        .addColumn("last_duration_ms", "integer")
        .addColumn("next_attempt", "text")
        .addColumn("created", "text", (c) => c.notNull())
        .addColumn("updated", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("alert_deliveries_due").on("alert_deliveries").columns(["status", "next_attempt"]).execute();
      await db.schema.createIndex("alert_deliveries_app").on("alert_deliveries").columns(["app_id", "created"]).execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date (or, for tests of a migration, up to `upTo`); safe to run on every start. */
export async function migrate(db: Kysely<unknown>, upTo?: string): Promise<void> {
  const migrator = new Migrator({ db, provider, migrationTableName: "berth_migrations" });
  const { error } = upTo === undefined ? await migrator.migrateToLatest() : await migrator.migrateTo(upTo);
  if (error !== undefined) {
    throw new BerthError("INTERNAL", "the database schema could not be migrated", {
      cause: error,
      hint: "see the cause below; the database was left at its last good migration",
    });
  }
}

/** Used by readiness checks. */
export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
