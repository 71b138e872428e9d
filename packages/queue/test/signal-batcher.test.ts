import { randomUUID } from "node:crypto";
import type { Signal } from "@outcry/core";
import { deleteRedisPrefix, freePort, TEST_REDIS_URL, uniquePrefix } from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProducerRedis, createSignalsQueue, redisReady, SignalBatcher } from "../src/index.ts";

const signal = (): Signal => ({
  id: randomUUID(),
  service: "spotify",
  region: "GB",
  source: "report",
  at: Date.now(),
});

describe("SignalBatcher", () => {
  const prefix = uniquePrefix("batcher");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const queue = createSignalsQueue(redis, prefix);

  beforeAll(() => redisReady(redis));
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  it("resolves each add once its signal is stored, sharing jobs among concurrent callers", async () => {
    const batcher = new SignalBatcher(queue, { maxSize: 100, maxInFlight: 1 });
    const signals = Array.from({ length: 250 }, signal);
    await Promise.all(signals.map((entry) => batcher.add(entry)));
    const jobs = await queue.getJobs(["waiting"]);
    const stored = jobs.flatMap((job) => job.data.signals.map((entry) => entry.id));
    expect(stored.sort()).toEqual(signals.map((entry) => entry.id).sort());
    // 250 callers in one tick fill batches up to maxSize: three jobs, not 250.
    expect(jobs).toHaveLength(3);
    for (const job of jobs) expect(job.id).toBe(job.data.batchId);
    await batcher.close();
  });

  it("writes what is pending when closed, and refuses new signals after", async () => {
    const batcher = new SignalBatcher(queue, { maxSize: 100, maxInFlight: 1 });
    const added = batcher.add(signal());
    await batcher.close();
    await expect(added).resolves.toBeUndefined();
    await expect(batcher.add(signal())).rejects.toThrow("closed");
  });

  it("rejects every caller of a batch that could not be stored, within the write timeout", async () => {
    const down = createProducerRedis(`redis://127.0.0.1:${await freePort()}`);
    down.on("error", () => {});
    const downQueue = createSignalsQueue(down, prefix);
    downQueue.on("error", () => {});
    const batcher = new SignalBatcher(downQueue, { maxSize: 100, maxInFlight: 1, writeTimeoutMs: 300 });
    const started = Date.now();
    const results = await Promise.allSettled([batcher.add(signal()), batcher.add(signal())]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await batcher.close();
    await downQueue.close();
    down.disconnect();
  });
});
