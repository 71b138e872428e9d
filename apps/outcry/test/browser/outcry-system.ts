import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alignDown, loadSeedCatalog, MINUTE_MS, type Signal } from "@outcry/core";
import {
  ALL_SOURCES,
  applySignalBatch,
  type Database,
  type Db,
  GLOBAL_REGION,
  openDatabase,
  saveDetectorStates,
  upsertServices,
} from "@outcry/db";
import { type BucketVerdict, SeriesDetector } from "@outcry/detection";
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
} from "@outcry/testing";
import { OutcryProcess } from "../../chaos/outcry-process.ts";

export interface OutcrySystem {
  url: string;
  db: Db;
  /** The process's log lines, for a failure's message. */
  output: string[];
  close(): Promise<void>;
}

/**
 * `outcry start --role all` (api, aggregator with the detector tick, ingest) on a fresh database
 * and a Redis prefix of its own, after `seed` wrote what the test needs into the database.
 * Bluesky is off: the ingest has no network here.
 */
export async function startOutcrySystem(options: {
  env?: Record<string, string>;
  seed: (db: Db) => Promise<void>;
}): Promise<OutcrySystem> {
  const testDatabase: TestDatabase = await createTestDatabase();
  const database: Database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
  await database.migrate();
  await upsertServices(database.db, loadSeedCatalog());
  await options.seed(database.db);
  const prefix = uniquePrefix("web");
  const dataDir = mkdtempSync(join(tmpdir(), "outcry-web-"));
  const outcry = await OutcryProcess.start("all", {
    DATABASE_URL: testDatabase.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    DATA_DIR: dataDir,
    REPORTER_KEY_SECRET: "browser-test-secret-0123",
    BLUESKY_JETSTREAM_URL: "off",
    BLUESKY_SEARCH_INTERVAL_SECONDS: "0",
    ...options.env,
  });
  return {
    url: outcry.apiUrl as string,
    db: database.db,
    output: outcry.output,
    async close() {
      await outcry.stop("SIGTERM");
      await database.close();
      await testDatabase.drop();
      await deleteRedisPrefix(TEST_REDIS_URL, prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Ordinary traffic for a service over the `minutes` before the current one, counted, and learned
 * by the detector the way the aggregator's tick learns it. A series must have learned from an
 * hour of minutes before it may open an incident, and a tick replays at most the minute before
 * for a series it has never seen: so the detector states of the service's global series and of
 * its regional series are computed here from the same counts, by the same detector, and stored,
 * and the running aggregator carries on from them.
 */
export async function seedQuietHistory(
  db: Db,
  options: {
    service: string;
    region: string;
    problem: string;
    minutes: number;
    perMinute: (minute: number) => number;
  },
): Promise<void> {
  const end = alignDown(Date.now(), MINUTE_MS);
  const first = end - options.minutes * MINUTE_MS;
  const global = new SeriesDetector({ bucketMs: MINUTE_MS });
  const regional = new SeriesDetector({ bucketMs: MINUTE_MS });
  const signals: Signal[] = [];
  let verdicts: { global: BucketVerdict; regional: BucketVerdict } | undefined;
  for (let minute = 0; minute < options.minutes; minute++) {
    const t = first + minute * MINUTE_MS;
    const count = options.perMinute(minute);
    for (let n = 0; n < count; n++) {
      signals.push({
        id: randomUUID(),
        service: options.service,
        region: options.region,
        source: "report",
        at: t + n * 1000,
        problem: options.problem,
        reporter: `history-${options.service}-${minute}-${n}`,
      });
    }
    verdicts = { global: global.push({ t, count }), regional: regional.push({ t, count }) };
  }
  if (!verdicts) throw new Error("a history has at least one minute");
  await applySignalBatch(db, { id: randomUUID(), signals });
  const lastBucket = end - MINUTE_MS;
  await saveDetectorStates(db, [
    {
      service: options.service,
      region: GLOBAL_REGION,
      source: ALL_SOURCES,
      lastBucket,
      state: global.snapshot(),
      status: verdicts.global.status,
      score: verdicts.global.score,
    },
    {
      service: options.service,
      region: options.region,
      source: "report",
      lastBucket,
      state: regional.snapshot(),
      status: verdicts.regional.status,
      score: verdicts.regional.score,
    },
  ]);
}
