import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { executeRows } from "./raw-sql.ts";

/*
 * The minute counts are range-partitioned by bucket, one partition per UTC day (migration 0008).
 * A day is the unit because a 24-hour read then touches one or two partitions, retention drops a
 * day's rows as one file instead of deleting them row by row (no bloat, no vacuum), and a year is
 * 365 partitions per table: few enough that planning stays cheap, where hourly partitions would be
 * 8,760; monthly ones would make every 24-hour read search a month's index and retention coarse.
 *
 * Partitions are named after their bounds, which is how retention finds its way without parsing
 * catalog expressions: <table>_pYYYYMMDD is one day, <table>_before_YYYYMMDD everything before a
 * day (the history kept when the tables were converted), <table>_default the rest.
 *
 * A bucket with no partition of its own is never refused: the DEFAULT partition stores it. That is
 * the safety net rather than creating partitions on demand, because the counts are written by one
 * statement per batch, and a partition created inside it would take a lock on the whole table in the
 * hot path of every aggregator. Partitions are created days ahead instead, so the default stays empty
 * in practice; when it is not (an aggregator caught up on a backlog of days it had no partition for),
 * the rows of a day are moved out of it when that day's partition is created.
 */

/** The partitioned tables: counts per region and their per-service totals. */
const PARTITIONED_TABLES = ["counts_minute", "service_counts_minute"] as const;
/** Arbitrary key of the advisory lock that lets one aggregator maintain partitions at a time. */
const PARTITIONS_LOCK = 7_264_003;
const DAY_MS = 86_400_000;
/**
 * Days created beyond today. Maintenance runs hourly, so a run that fails (a lock it could not get
 * in time, Postgres away) has three days of retries before a write would need the partition.
 */
export const PARTITION_DAYS_AHEAD = 3;

export interface PartitionMaintenanceOptions {
  /** Epoch ms; the database's clock when absent (the clock that dated the history partition). */
  now?: number;
  /** Days beyond today to create (default PARTITION_DAYS_AHEAD). */
  daysAhead?: number;
  /** Minute partitions whose every bucket is older than this many days are dropped; 0 or absent keeps all. */
  retentionDays?: number;
}

export interface PartitionMaintenance {
  created: string[];
  dropped: string[];
}

/**
 * Creates the day partitions from today to `daysAhead` days on, and drops those past the retention.
 * Idempotent and safe with several aggregators at once: all of it happens in one transaction under
 * a transaction-scoped advisory lock (which works through PgBouncer too), so a second aggregator
 * waits, then finds the work done. Creating or dropping a partition locks the whole table briefly;
 * lock_timeout makes a run that would queue every write behind a long read give up instead, and the
 * next hourly run tries again.
 */
export async function maintainMinutePartitions(
  db: Db,
  options: PartitionMaintenanceOptions = {},
): Promise<PartitionMaintenance> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PARTITIONS_LOCK})`);
    await tx.execute(sql`set local lock_timeout = '5s'`);
    const now = options.now ?? (await databaseNow(tx));
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const created: string[] = [];
    for (let day = 0; day <= (options.daysAhead ?? PARTITION_DAYS_AHEAD); day += 1) {
      for (const table of PARTITIONED_TABLES) {
        const name = await createDayPartition(tx, table, today + day * DAY_MS);
        if (name) created.push(name);
      }
    }
    const dropped =
      options.retentionDays && options.retentionDays > 0
        ? await dropPartitionsBefore(tx, now - options.retentionDays * DAY_MS)
        : [];
    return { created, dropped };
  });
}

async function databaseNow(db: Db): Promise<number> {
  const [row] = await executeRows<{ now: number }>(
    db,
    sql`select (extract(epoch from now()) * 1000)::float8 as now`,
  );
  return Number(row?.now);
}

/** Creates `table`'s partition of the UTC day starting at `dayStart`; returns its name, or none if it existed. */
async function createDayPartition(db: Db, table: string, dayStart: number): Promise<string | undefined> {
  const name = `${table}_p${compactDay(dayStart)}`;
  const [existing] = await executeRows<{ found: string | null }>(
    db,
    sql`select to_regclass(${name}::text)::text as found`,
  );
  if (existing?.found) return undefined;
  const bounds = sql.raw(
    `from ('${isoDay(dayStart)} 00:00:00+00') to ('${isoDay(dayStart + DAY_MS)} 00:00:00+00')`,
  );
  const inDay = sql`bucket >= ${new Date(dayStart).toISOString()}::timestamptz and bucket < ${new Date(dayStart + DAY_MS).toISOString()}::timestamptz`;
  const fallback = sql`${sql.identifier(`${table}_default`)}`;
  const [stray] = await executeRows<{ found: boolean }>(
    db,
    sql`select exists (select from ${fallback} where ${inDay}) as found`,
  );
  if (!stray?.found) {
    await db.execute(
      sql`create table if not exists ${sql.identifier(name)} partition of ${sql.identifier(table)} for values ${bounds}`,
    );
    return name;
  }
  // The default partition holds rows of this day, and Postgres refuses a partition that would take
  // rows from it: build the day's table beside it, move the rows over, then attach it. The default
  // is locked first so no row of the day lands in it between the move and the attach; a write
  // already routed to it waits, then fails its partition check, and the queue retries its batch.
  await moveIntoNewPartition(db, { table, name, fallback, bounds, inDay });
  return name;
}

async function moveIntoNewPartition(
  db: Db,
  parts: { table: string; name: string; fallback: SQL; bounds: SQL; inDay: SQL },
): Promise<void> {
  const partition = sql.identifier(parts.name);
  await db.execute(sql`lock table ${parts.fallback} in access exclusive mode`);
  await db.execute(sql`create table ${partition} (like ${sql.identifier(parts.table)} including defaults)`);
  await db.execute(
    sql`with moved as (delete from ${parts.fallback} where ${parts.inDay} returning *)
        insert into ${partition} select * from moved`,
  );
  await db.execute(
    sql`alter table ${sql.identifier(parts.table)} attach partition ${partition} for values ${parts.bounds}`,
  );
}

/**
 * Detaches and drops every minute partition whose buckets all precede `cutoff`, and deletes the
 * default partition's rows before it. Hour rollups are not touched: they are the long history.
 */
async function dropPartitionsBefore(db: Db, cutoff: number): Promise<string[]> {
  const dropped: string[] = [];
  for (const table of PARTITIONED_TABLES) {
    const partitions = await executeRows<{ name: string }>(
      db,
      sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = to_regclass(${table}::text) order by c.relname`,
    );
    for (const { name } of partitions) {
      const end = partitionEnd(table, name);
      if (end === undefined || end > cutoff) continue;
      // A whole day goes at once, as files: a DELETE would go row by row and leave the table
      // bloated until vacuum. In this transaction, so a failure leaves neither step half done.
      await db.execute(sql`alter table ${sql.identifier(table)} detach partition ${sql.identifier(name)}`);
      await db.execute(sql`drop table ${sql.identifier(name)}`);
      dropped.push(name);
    }
    await db.execute(
      sql`delete from ${sql.identifier(`${table}_default`)} where bucket < ${new Date(cutoff).toISOString()}::timestamptz`,
    );
  }
  return dropped;
}

/** Exclusive upper bound of a partition named by this module's scheme, epoch ms; none for the default. */
function partitionEnd(table: string, name: string): number | undefined {
  const day = name.match(new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`));
  if (day) return Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) + DAY_MS;
  const before = name.match(new RegExp(`^${table}_before_(\\d{4})(\\d{2})(\\d{2})$`));
  if (before) return Date.UTC(Number(before[1]), Number(before[2]) - 1, Number(before[3]));
  return undefined;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function compactDay(ms: number): string {
  return isoDay(ms).replaceAll("-", "");
}
