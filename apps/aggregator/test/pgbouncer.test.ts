import { randomUUID } from "node:crypto";
import { alignDown, loadSeedCatalog, MINUTE_MS, type Signal } from "@outcry/core";
import {
  applySignalBatch,
  type Database,
  maintainMinutePartitions,
  openDatabase,
  seriesForService,
  upsertServices,
} from "@outcry/db";
import { createTestDatabase, PrivatePgBouncer, type TestDatabase } from "@outcry/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DetectorTick } from "../src/detector-tick.ts";

function report(at: number, region = "GB"): Signal {
  return {
    id: randomUUID(),
    service: "spotify",
    region,
    source: "report",
    at,
    problem: "playback",
    reporter: randomUUID(),
  };
}

// Outcry's real work through a PgBouncer in transaction mode, whose two server connections are
// shared by more clients than that: anything relying on session state (a session advisory lock, a
// named prepared statement) would fail or hang here.
describe("through PgBouncer in transaction mode", () => {
  let testDatabase: TestDatabase;
  let bouncer: PrivatePgBouncer;
  let direct: postgres.Sql;
  const databases: Database[] = [];
  let database: Database;

  /** Outcry's connection through the bouncer, as DATABASE_URL would configure it. */
  const openThroughBouncer = async () => {
    const opened = await openDatabase({
      url: `${bouncer.url(testDatabase.url)}?prepare=false`,
      dataDir: "unused",
      maxConnections: 6,
    });
    databases.push(opened);
    return opened;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    bouncer = await PrivatePgBouncer.start(testDatabase.url);
    direct = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
    database = await openThroughBouncer();
  });

  afterAll(async () => {
    for (const opened of databases) await opened.close();
    await direct?.end();
    await bouncer?.stop();
    await testDatabase?.drop();
  });

  it("migrates, from several roles starting at once, and leaves no lock behind", async () => {
    const others = [await openThroughBouncer(), await openThroughBouncer()];
    await Promise.all([database.migrate(), ...others.map((other) => other.migrate())]);
    const [migrations] = await direct`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(migrations?.n).toBeGreaterThanOrEqual(9);
    const [locks] = await direct`select count(*)::int as n from pg_locks where locktype = 'advisory'`;
    expect(locks?.n).toBe(0);
    await upsertServices(database.db, loadSeedCatalog());
  });

  it("creates the minute partitions, several aggregators at once", async () => {
    const runs = await Promise.all([1, 2, 3].map(() => maintainMinutePartitions(database.db)));
    const created = runs.flatMap((run) => run.created);
    expect(new Set(created).size).toBe(created.length);
    const [partitions] = await direct`
      select count(*)::int as n from pg_inherits where inhparent = 'counts_minute'::regclass`;
    // The history, the default, today and three days ahead.
    expect(partitions?.n).toBe(6);
  });

  it("applies signal batches concurrently, each once, and reads the series back", async () => {
    const minute = alignDown(Date.now(), MINUTE_MS) - 5 * MINUTE_MS;
    const batches = Array.from({ length: 24 }, (_, index) => ({
      id: randomUUID(),
      signals: Array.from({ length: 5 }, (_, n) => report(minute + (index % 3) * MINUTE_MS + n)),
    }));
    const results = await Promise.all(batches.map((batch) => applySignalBatch(database.db, batch)));
    expect(results.every((result) => result.applied)).toBe(true);
    // A redelivered batch is recognised through the bouncer too.
    expect(await applySignalBatch(database.db, batches[0] as (typeof batches)[0])).toEqual({
      applied: false,
    });

    const series = await seriesForService(database.db, {
      service: "spotify",
      from: minute,
      to: minute + 3 * MINUTE_MS,
      stepMs: MINUTE_MS,
    });
    expect(series.map((point) => point.count)).toEqual([40, 40, 40]);
    const [region] = await direct`
      select sum(count)::int as n from counts_minute where service = 'spotify' and region = 'GB'`;
    expect(region?.n).toBe(120);
  });

  it("runs the detector tick, two replicas at once under its transaction lock", async () => {
    const now = Date.now();
    const judged = alignDown(now - 10_000, MINUTE_MS) - MINUTE_MS;
    await applySignalBatch(database.db, {
      id: randomUUID(),
      signals: Array.from({ length: 7 }, (_, n) => report(judged + n, "US")),
    });
    const [first, second] = await Promise.all([
      new DetectorTick(database.db).run(now),
      new DetectorTick((await openThroughBouncer()).db).run(now),
    ]);
    // The lock lets one judge the minute; the other then finds its states saved and has nothing left.
    expect([first?.bucket, second?.bucket]).toEqual([judged, judged]);
    const judgements = [...(first?.minute ?? []), ...(second?.minute ?? [])];
    expect(judgements).toEqual([expect.objectContaining({ service: "spotify", count: 7 })]);
    const [states] = await direct`select count(*)::int as n from detector_states where service = 'spotify'`;
    expect(states?.n).toBeGreaterThan(0);
  });
});
