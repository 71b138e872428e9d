import { loadConfig } from "@outcry/core";
import { type Database, openDatabase } from "@outcry/db";
import { createProducerRedis, DETECTION_QUEUE, DETECTOR_TICK_JOB, redisReady } from "@outcry/queue";
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
} from "@outcry/testing";
import { Queue } from "bullmq";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDetectionWorker } from "../src/detection-worker.ts";

// DETECTOR_SHARDS is read at start-up: the minute's tick jobs must match it, whatever ran before.
describe("detector tick schedulers", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const prefix = uniquePrefix("tick-schedulers");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const queue = new Queue(DETECTION_QUEUE, { connection: redis, prefix });

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
    await database.migrate();
    await redisReady(redis);
  });

  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await database?.close();
    await testDatabase?.drop();
  });

  const start = (shards: number) =>
    startDetectionWorker({
      config: loadConfig({ QUEUE_PREFIX: prefix, DETECTOR_SHARDS: String(shards) }),
      database,
      redisUrl: TEST_REDIS_URL,
      logger: pino({ level: "silent" }),
    });
  const schedulers = async () =>
    (await queue.getJobSchedulers()).map((scheduler) => ({
      id: scheduler.key,
      data: scheduler.template?.data,
    }));

  it("keeps one scheduler per shard and removes those of a former shard count", async () => {
    // What an older, unsharded aggregator left behind.
    await queue.upsertJobScheduler(
      DETECTOR_TICK_JOB,
      { pattern: "10 * * * * *" },
      { name: DETECTOR_TICK_JOB },
    );
    const three = await start(3);
    await three.close();
    expect((await schedulers()).sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual(
      [0, 1, 2].map((index) => ({
        id: `${DETECTOR_TICK_JOB}-${index}`,
        data: { shard: { index, count: 3 } },
      })),
    );
    const one = await start(1);
    await one.close();
    expect(await schedulers()).toEqual([
      { id: `${DETECTOR_TICK_JOB}-0`, data: { shard: { index: 0, count: 1 } } },
    ]);
  });
});
