import { randomUUID } from "node:crypto";
import { type Database, insertIncident, openDatabase } from "@outcry/db";
import { createProducerRedis, redisReady, signalsQueueName } from "@outcry/queue";
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
} from "@outcry/testing";
import { Queue } from "bullmq";
import { pino } from "pino";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startQueueMetrics } from "../src/queue-metrics.ts";

/** The value of one sample in Prometheus' text format, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((entry) => entry.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

// What Grafana's queue panels and KEDA's scaler read: the signals backlog, its age, open incidents.
describe("queue metrics", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const prefix = uniquePrefix("queue-metrics");
  const redis = createProducerRedis(TEST_REDIS_URL);
  // The second of two shards: each is reported under its own label.
  const signals = new Queue(signalsQueueName(1), { connection: redis, prefix });
  const logger = pino({ level: "silent" });

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
    await database.migrate();
    await redisReady(redis);
  });

  afterAll(async () => {
    await signals.close();
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await database?.close();
    await testDatabase?.drop();
  });

  it("reports the waiting batches, the age of the oldest and the open incidents on a scrape", async () => {
    const registry = new Registry();
    const metrics = startQueueMetrics({
      redisUrl: TEST_REDIS_URL,
      prefix,
      shards: 2,
      db: database.db,
      registry,
      logger,
    });
    try {
      // No worker runs here, so the batches stay waiting; the first was queued 30 s ago.
      await signals.add("batch", { n: 1 }, { timestamp: Date.now() - 30_000 });
      await signals.add("batch", { n: 2 });
      await signals.add("batch", { n: 3 });
      const now = new Date();
      await insertIncident(database.db, {
        id: randomUUID(),
        service: "spotify",
        region: "GB",
        status: "open",
        startedAt: now,
        detectedAt: now,
        peakAt: now,
        peakCount: 40,
        peakExpected: 4,
        peakScore: 0.99,
      });

      const text = await registry.metrics();
      expect(sample(text, 'outcry_queue_jobs{queue="signals-1",state="wait"}')).toBe(3);
      expect(sample(text, 'outcry_queue_jobs{queue="signals-0",state="wait"}')).toBe(0);
      expect(sample(text, 'outcry_queue_jobs{queue="signals-1",state="active"}')).toBe(0);
      expect(sample(text, 'outcry_queue_jobs{queue="webhooks",state="wait"}')).toBe(0);
      const lag = sample(text, 'outcry_queue_oldest_waiting_seconds{queue="signals-1"}') ?? 0;
      expect(lag).toBeGreaterThanOrEqual(30);
      expect(lag).toBeLessThan(60);
      expect(sample(text, "outcry_open_incidents")).toBe(1);
      // KEDA's redis scaler reads the same backlog as the length of this list (infra/k8s).
      expect(await redis.llen(`${prefix}:${signalsQueueName(1)}:wait`)).toBe(3);
    } finally {
      await metrics.close();
    }
  });

  it("still answers a scrape, within the read timeout, while Redis is unreachable", async () => {
    const registry = new Registry();
    const metrics = startQueueMetrics({
      redisUrl: "redis://127.0.0.1:1",
      prefix,
      shards: 2,
      db: database.db,
      registry,
      logger,
    });
    try {
      const started = Date.now();
      const text = await registry.metrics();
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(text).toContain("# TYPE outcry_queue_jobs gauge");
      expect(sample(text, "outcry_open_incidents")).toBe(1);
    } finally {
      await metrics.close();
    }
  });
});
