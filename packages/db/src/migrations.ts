import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { type MigrationMeta, readMigrationFiles } from "drizzle-orm/migrator";
import type { Db } from "./database.ts";
import { executeRows } from "./queries/raw-sql.ts";

const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));
/** Arbitrary key of the advisory lock held while migrations run. */
const MIGRATION_LOCK = 7_264_002;

/** The committed drizzle-kit migrations, oldest first. */
export function committedMigrations(): MigrationMeta[] {
  return readMigrationFiles({ migrationsFolder });
}

/**
 * Applies the migrations that have not run yet, in one transaction that first takes a
 * transaction-scoped advisory lock: roles starting together on a fresh database would otherwise race
 * to create the same schema, and the others wait, then find nothing left to do.
 *
 * drizzle's own migrator would need a session-level lock held around it on a reserved connection,
 * and a session lock does not survive PgBouncer in transaction mode (the server connection that
 * holds it goes back to the pool after each statement; the unlock may reach another one and the lock
 * is never released). Holding the lock and the migrations in one transaction works directly and
 * through PgBouncer alike. The bookkeeping is drizzle's (the same drizzle.__drizzle_migrations table
 * and rules: a migration runs when it is newer than the newest one recorded), so databases migrated
 * before keep working.
 */
export async function applyMigrations(db: Db, migrations = committedMigrations()): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(
      sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`,
    );
    const [last] = await executeRows<{ created_at: string | number }>(
      tx,
      sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    const newest = last ? Number(last.created_at) : Number.NEGATIVE_INFINITY;
    for (const migration of migrations) {
      if (migration.folderMillis <= newest) continue;
      for (const statement of migration.sql) {
        if (statement.trim() !== "") await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`,
      );
    }
  });
}
