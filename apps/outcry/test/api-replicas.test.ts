import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appendLiveEvent, createProducerRedis, redisReady } from "@outcry/queue";
import {
  body,
  createTestDatabase,
  deleteRedisPrefix,
  openEventStream,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
  waitFor,
} from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";

// Scaling the api out: two replicas and one aggregator on the same Redis and Postgres, nothing
// shared between the replicas but those two.
describe("api replicas", () => {
  let database: TestDatabase;
  let dataDir: string;
  const prefix = uniquePrefix("replicas");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const processes: OutcryProcess[] = [];
  let first: OutcryProcess;
  let second: OutcryProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "outcry-replicas-"));
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      TRUST_PROXY: "1",
      RATE_LIMIT_PER_MINUTE: "100000",
      // Replicas must agree on reporter keys, or one person could report once per replica.
      REPORTER_KEY_SECRET: "replicas-test-secret-replicas",
      RESPONSE_CACHE_MS: "0",
    };
    await redisReady(redis);
    first = await OutcryProcess.start("api", env);
    second = await OutcryProcess.start("api", env);
    processes.push(first, second, await OutcryProcess.start("aggregator", env));
  });

  afterAll(async () => {
    for (const outcry of processes) await outcry.stop("SIGKILL");
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const report = (replica: OutcryProcess, reporter: number) =>
    fetch(`${replica.apiUrl}/v1/reports`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-forwarded-for": `10.9.${reporter >> 8}.${reporter & 255}`,
      },
      body: JSON.stringify({ service: "spotify", problem: "login", region: reporter % 2 ? "GB" : "US" }),
    });
  const total = async (replica: OutcryProcess) => {
    const series = await body(fetch(`${replica.apiUrl}/v1/services/spotify/series?step=1h`));
    return series.points.reduce((sum: number, point: { count: number }) => sum + point.count, 0);
  };

  it("counts reports sent to either replica once, and both serve the same series", async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, reporter) => report(reporter % 2 ? first : second, reporter)),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
    await waitFor(async () => (await total(first)) === 60 || undefined, {
      timeoutMs: 10_000,
      what: "60 counted",
    });
    expect(await total(second)).toBe(60);
    const window = `from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const [a, b] = await Promise.all([
      body(fetch(`${first.apiUrl}/v1/services/spotify/regions?${window}`)),
      body(fetch(`${second.apiUrl}/v1/services/spotify/regions?${window}`)),
    ]);
    expect(
      a.regions.map((region: { region: string; count: number }) => [region.region, region.count]),
    ).toEqual([
      ["GB", 30],
      ["US", 30],
    ]);
    expect(a.regions).toEqual(b.regions);
  });

  it("knows a reporter who already reported through the other replica", async () => {
    const again = await body(report(first, 2));
    expect(again.counted).toBe(false);
  });

  it("delivers one live event to clients of either replica, exactly once each", async () => {
    const clients = await Promise.all([
      openEventStream(`${first.apiUrl}/v1/stream`),
      openEventStream(`${second.apiUrl}/v1/stream`),
      openEventStream(`${second.apiUrl}/v1/stream?service=spotify`),
    ]);
    try {
      // Each replica reads the live-events stream from when its client connected.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const incidentId = crypto.randomUUID();
      await appendLiveEvent(redis, prefix, {
        type: "incident.opened",
        service: "spotify",
        region: "*",
        incidentId,
        at: Date.now(),
        count: 60,
        expected: 4,
        score: 0.99,
      });
      const heard = (client: (typeof clients)[number]) =>
        client.events.filter((event) => event.data.incidentId === incidentId).length;
      await waitFor(() => clients.every((client) => heard(client) >= 1) || undefined, {
        timeoutMs: 5_000,
        what: "every client to hear the event",
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(clients.map(heard)).toEqual([1, 1, 1]);
      const ids = clients.map(
        (client) => client.events.find((event) => event.data.incidentId === incidentId)?.id,
      );
      expect(new Set(ids).size).toBe(1);
    } finally {
      for (const client of clients) client.close();
    }
  });
});
