import { randomUUID } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Signal } from "@outcry/core";
import { sql } from "drizzle-orm";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applySignalBatch,
  type Database,
  type Db,
  maintainMinutePartitions,
  seriesForService,
} from "../src/index.ts";
import { executeRows } from "../src/queries/raw-sql.ts";
import { drivers } from "./drivers.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const OLD = Date.parse("2025-04-16T08:00:00Z");

/** Every minute-count row with the partition it is stored in. */
async function placement(db: Db, table: "counts_minute" | "service_counts_minute") {
  return executeRows<{ partition: string; bucket: number; count: number }>(
    db,
    sql`select tableoid::regclass::text as partition, (extract(epoch from bucket) * 1000)::float8 as bucket,
          count from ${sql.identifier(table)} order by bucket`,
  );
}

async function partitionsOf(db: Db, table: string): Promise<string[]> {
  const rows = await executeRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = to_regclass(${table}::text) order by 1`,
  );
  return rows.map((row) => row.name);
}

/** Today's UTC midnight by the database's clock, the one the migration dated its partitions with. */
async function databaseToday(db: Db): Promise<number> {
  const [row] = await executeRows<{ today: number }>(
    db,
    sql`select (extract(epoch from date_trunc('day', now() at time zone 'UTC')) * 1000)::float8 as today`,
  );
  return Number(row?.today);
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");
}

function report(at: number, overrides: Partial<Signal> = {}): Signal {
  return {
    id: randomUUID(),
    service: "spotify",
    region: "GB",
    source: "report",
    at,
    problem: "login",
    reporter: randomUUID(),
    ...overrides,
  };
}

async function count(db: Db, at: number, signals: number, overrides: Partial<Signal> = {}) {
  await applySignalBatch(db, {
    id: randomUUID(),
    signals: Array.from({ length: signals }, (_, n) => report(at + n, overrides)),
  });
}

/**
 * The migrations as they were before partitioning, applied by drizzle's own migrator: what every
 * existing install has, and what the conversion has to start from.
 */
function migrationsBeforePartitioning(): string {
  const folder = mkdtempSync(join(tmpdir(), "outcry-migrations-"));
  cpSync(fileURLToPath(new URL("../drizzle", import.meta.url)), folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8"));
  journal.entries = journal.entries.filter((entry: { tag: string }) => entry.tag < "0008");
  writeFileSync(journalPath, JSON.stringify(journal));
  return folder;
}

async function migrateBeforePartitioning(database: Database, folder: string) {
  // Db is the drivers' common surface; each migrator wants its own driver's type.
  const driverDb: unknown = database.db;
  if (database.driver === "postgres") {
    await migratePostgres(driverDb as PostgresJsDatabase, { migrationsFolder: folder });
  } else {
    await migratePglite(driverDb as PgliteDatabase, { migrationsFolder: folder });
  }
}

describe.each(drivers)("minute counts partitioned by day ($name)", ({ open }) => {
  let database: Database;
  let cleanup: () => Promise<void>;
  let db: Db;
  let today: number;
  const folders: string[] = [];

  beforeAll(async () => {
    ({ database, cleanup } = await open());
    db = database.db;
    const folder = migrationsBeforePartitioning();
    folders.push(folder);
    await migrateBeforePartitioning(database, folder);
    today = await databaseToday(db);
    // Counts from before partitioning: long ago, today, and (a clock gone wrong) next month.
    await count(db, OLD, 3);
    await count(db, today + 9 * HOUR, 4);
    await count(db, today + 30 * DAY, 5);
    await database.migrate();
  });

  afterAll(async () => {
    await database.close();
    await cleanup();
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it("converts the existing tables without losing a row: history, today and the default", async () => {
    for (const table of ["counts_minute", "service_counts_minute"] as const) {
      expect(await placement(db, table)).toEqual([
        { partition: `${table}_before_${day(today)}`, bucket: OLD, count: 3 },
        { partition: `${table}_p${day(today)}`, bucket: today + 9 * HOUR, count: 4 },
        { partition: `${table}_default`, bucket: today + 30 * DAY, count: 5 },
      ]);
    }
    // The primary keys hold on the partitioned tables: a later batch adds to the same rows.
    await count(db, OLD, 2);
    const [old] = await placement(db, "counts_minute");
    expect(old?.count).toBe(5);
    const series = await seriesForService(db, {
      service: "spotify",
      from: OLD,
      to: OLD + MINUTE,
      stepMs: MINUTE,
    });
    expect(series).toEqual([{ t: OLD, count: 5 }]);
  });

  it("runs the migration once, recorded where drizzle's migrator records it", async () => {
    await database.migrate();
    const [recorded] = await executeRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(Number(recorded?.n)).toBe(9);
  });

  it("creates today's partition and the days ahead, once however many aggregators ask", async () => {
    const first = await maintainMinutePartitions(db, { now: today + 10 * HOUR });
    expect(first.created).toEqual(
      [1, 2, 3].flatMap((ahead) => [
        `counts_minute_p${day(today + ahead * DAY)}`,
        `service_counts_minute_p${day(today + ahead * DAY)}`,
      ]),
    );
    expect((await maintainMinutePartitions(db, { now: today + 10 * HOUR })).created).toEqual([]);
    // Several at once (each its own connection on Postgres): one creates, the others find it done.
    const together = await Promise.all(
      [1, 2, 3].map(() => maintainMinutePartitions(db, { now: today + 10 * DAY })),
    );
    const created = together.flatMap((run) => run.created);
    expect(created.sort()).toEqual(
      [10, 11, 12, 13]
        .flatMap((ahead) => [
          `counts_minute_p${day(today + ahead * DAY)}`,
          `service_counts_minute_p${day(today + ahead * DAY)}`,
        ])
        .sort(),
    );
  });

  it("moves a day's rows out of the default partition when that day's partition is created", async () => {
    const at = today + 20 * DAY + 6 * HOUR;
    await count(db, at, 7, { region: "US" });
    const before = await seriesForService(db, {
      service: "spotify",
      from: at,
      to: at + MINUTE,
      stepMs: MINUTE,
    });
    expect((await placement(db, "counts_minute")).find((row) => row.bucket === at)?.partition).toBe(
      "counts_minute_default",
    );

    const run = await maintainMinutePartitions(db, { now: at, daysAhead: 0 });
    expect(run.created).toEqual([
      `counts_minute_p${day(today + 20 * DAY)}`,
      `service_counts_minute_p${day(today + 20 * DAY)}`,
    ]);
    for (const table of ["counts_minute", "service_counts_minute"] as const) {
      const rows = (await placement(db, table)).filter((row) => row.bucket === at);
      expect(rows).toEqual([{ partition: `${table}_p${day(today + 20 * DAY)}`, bucket: at, count: 7 }]);
    }
    expect(
      await seriesForService(db, { service: "spotify", from: at, to: at + MINUTE, stepMs: MINUTE }),
    ).toEqual(before);
    // The new partition takes the day's writes from now on.
    await count(db, at, 1, { region: "US" });
    const [row] = (await placement(db, "counts_minute")).filter((r) => r.bucket === at);
    expect(row).toMatchObject({ partition: `counts_minute_p${day(today + 20 * DAY)}`, count: 8 });
  });

  it("reads a 24-hour range from the one or two partitions that hold it", async () => {
    const to = today + DAY + 12 * HOUR;
    const plan = await executeRows<Record<string, string>>(
      db,
      sql`explain select (extract(epoch from bucket) * 1000)::float8 as t, sum(count)::int as count
          from service_counts_minute
          where service = 'spotify' and bucket >= ${new Date(to - DAY).toISOString()}::timestamptz
            and bucket < ${new Date(to).toISOString()}::timestamptz
          group by bucket`,
    );
    const text = plan.map((row) => Object.values(row).join("")).join("\n");
    const scanned = [...new Set(text.match(/service_counts_minute_(p\d{8}|before_\d{8}|default)/g) ?? [])];
    expect(scanned.sort()).toEqual([
      `service_counts_minute_p${day(today)}`,
      `service_counts_minute_p${day(today + DAY)}`,
    ]);
  });

  it("drops minute partitions past the retention, and the default's old rows, but keeps the hours", async () => {
    const hoursBefore = await executeRows<{ n: number }>(
      db,
      sql`select coalesce(sum(count), 0)::int as n from counts_hour`,
    );
    const now = today + 40 * DAY + HOUR;
    const run = await maintainMinutePartitions(db, { now, daysAhead: 0, retentionDays: 7 });
    // Everything ended before now - 7 days: the history, today's week, days 10-13 and day 20; the
    // default's row of day 30 goes too. Today's partition is created as ever.
    expect(run.created).toEqual([`counts_minute_p${day(now)}`, `service_counts_minute_p${day(now)}`]);
    expect(run.dropped).toContain(`counts_minute_before_${day(today)}`);
    expect(run.dropped).toContain(`service_counts_minute_p${day(today + 20 * DAY)}`);
    for (const table of ["counts_minute", "service_counts_minute"]) {
      expect(await partitionsOf(db, table)).toEqual([`${table}_default`, `${table}_p${day(now)}`]);
    }
    expect(await placement(db, "counts_minute")).toEqual([]);
    const hoursAfter = await executeRows<{ n: number }>(
      db,
      sql`select coalesce(sum(count), 0)::int as n from counts_hour`,
    );
    expect(Number(hoursAfter[0]?.n)).toBe(Number(hoursBefore[0]?.n));
    expect(Number(hoursAfter[0]?.n)).toBeGreaterThan(0);
    // Without a retention nothing is dropped.
    expect((await maintainMinutePartitions(db, { now: now + 400 * DAY, daysAhead: 0 })).dropped).toEqual([]);
  });
});
