import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createSignalsQueue,
  createWorkerRedis,
  durableRedisServerArgs,
  SIGNAL_BATCH_JOB,
} from "@outcry/queue";
import { createTestDatabase, PrivateRedis, type TestDatabase, waitFor } from "@outcry/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCounts, countsAgree, countTotals, waitUntilCounted } from "../chaos/counted-audit.ts";
import { OutcryProcess } from "../chaos/outcry-process.ts";
import { ReportLoad } from "../chaos/report-load.ts";

// The delivery guarantee, tested with real processes and real faults: a report answered 202 with
// counted: true is in the Postgres counts exactly once, whatever was killed on the way.
describe("a counted report is counted exactly once", () => {
  let testDatabase: TestDatabase;
  let sql: postgres.Sql;
  let redis: PrivateRedis;
  let dataDir: string;
  let env: Record<string, string>;
  let api: OutcryProcess;
  let aggregator: OutcryProcess;

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    sql = postgres(testDatabase.url, { max: 2, onnotice: () => {} });
    redis = await PrivateRedis.start(durableRedisServerArgs);
    dataDir = mkdtempSync(join(tmpdir(), "outcry-exactly-once-"));
    env = {
      DATABASE_URL: testDatabase.url,
      REDIS_URL: redis.url,
      DATA_DIR: dataDir,
      TRUST_PROXY: "1",
      RATE_LIMIT_PER_MINUTE: "100000",
      REPORTER_KEY_SECRET: "exactly-once-test-secret",
      // A killed worker's batch comes back after 2 s instead of 30.
      AGGREGATOR_LOCK_MS: "2000",
    };
    api = await OutcryProcess.start("api", env);
    aggregator = await OutcryProcess.start("aggregator", env);
  });

  afterAll(async () => {
    await api?.stop("SIGKILL");
    await aggregator?.stop("SIGKILL");
    await sql?.end();
    await testDatabase?.drop();
    await redis?.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const totals = () => countTotals(sql);

  /**
   * Every report acknowledged as counted is in Postgres exactly once, and the counts agree with the
   * stored reports. A report refused with 503 may be counted too: when Redis dies between storing a
   * batch and replying, the api cannot know the batch was kept, so it says 503 and the batch is
   * applied later. Those are bounded by the 503s.
   */
  const expectCountedExactly = async (loads: ReportLoad[]) => {
    const acknowledged = loads.flatMap((load) => load.countedIds);
    const refused = loads.reduce((sum, load) => sum + (load.statuses.get(503) ?? 0), 0);
    await waitUntilCounted(sql, acknowledged.length);
    const audit = await auditCounts(sql, acknowledged);
    expect(audit.missing).toEqual([]);
    expect(countsAgree(audit.totals)).toBe(true);
    expect(audit.duplicates).toBe(0);
    expect(audit.unacknowledged).toBeGreaterThanOrEqual(0);
    expect(audit.unacknowledged).toBeLessThanOrEqual(refused);
  };

  // Loads of earlier tests in this file: their reports share the database.
  const earlierLoads: ReportLoad[] = [];

  it("through an aggregator killed with SIGKILL mid-batch and restarted", async () => {
    const load = new ReportLoad(api.apiUrl as string, { offset: 0 });
    // Kill it while pg_stat_activity shows one of its batch transactions open.
    await waitFor(
      async () =>
        (
          await sql`select count(*)::int as n from pg_stat_activity
                    where application_name = 'outcry-aggregator' and xact_start is not null`
        )[0]?.n,
      { timeoutMs: 20_000, intervalMs: 1, what: "an aggregator transaction in flight" },
    );
    await aggregator.stop("SIGKILL");
    await waitFor(() => load.counted > 200, {
      timeoutMs: 20_000,
      what: "reports queued while the aggregator is down",
    });
    aggregator = await OutcryProcess.start("aggregator", env);
    await waitFor(() => load.counted > 400, { timeoutMs: 20_000, what: "more reports" });
    await load.stop();
    earlierLoads.push(load);
    expect(load.statuses.get(202)).toBe(load.sent);
    await expectCountedExactly([load]);
  });

  it("through Redis killed with SIGKILL mid-load and restarted", async () => {
    const load = new ReportLoad(api.apiUrl as string, { offset: 1_000_000 });
    await waitFor(() => load.counted > 200, { timeoutMs: 20_000, what: "reports before the crash" });
    await redis.kill();
    await waitFor(() => (load.statuses.get(503) ?? 0) > 0, {
      timeoutMs: 10_000,
      what: "503s while Redis is down",
    });
    await redis.restart();
    const afterRestart = load.counted;
    await waitFor(() => load.counted > afterRestart + 200, { timeoutMs: 30_000, what: "intake to heal" });
    await load.stop();
    // Only 202 and 503 (with nothing acknowledged) are acceptable answers.
    expect([...load.statuses.keys()].filter((status) => status !== 202 && status !== 503)).toEqual([]);
    earlierLoads.push(load);
    await expectCountedExactly(earlierLoads);
  });

  it("through an api stopped with SIGTERM mid-load: in-flight reports are answered and kept", async () => {
    const load = new ReportLoad(api.apiUrl as string, { offset: 2_000_000 });
    await waitFor(() => load.counted > 200, { timeoutMs: 20_000, what: "reports before the stop" });
    expect(await api.stop("SIGTERM")).toBe(0);
    await load.stop();
    earlierLoads.push(load);
    // Refused connections after the stop are fine; every answer given was a 202.
    expect([...load.statuses.keys()].filter((status) => status !== 202 && status !== "error")).toEqual([]);
    api = await OutcryProcess.start("api", env);
    await expectCountedExactly(earlierLoads);
  });

  it("when a batch already applied is delivered again", async () => {
    const before = await totals();
    // The newest batch: BullMQ keeps only the last thousand completed jobs.
    const [batch] = await sql`select id from applied_batches order by applied_at desc limit 1`;
    // Replay the batch through the queue exactly as a retry would deliver it.
    const connection = createWorkerRedis(redis.url);
    const queue = createSignalsQueue(connection, "outcry");
    const original = await queue.getJob(batch?.id);
    expect(original?.data.batchId).toBe(batch?.id);
    const replay = await queue.add(SIGNAL_BATCH_JOB, original?.data as never, {
      jobId: `${batch?.id}-replay`,
    });
    const outcome = await waitFor(async () => (await queue.getJob(replay.id as string))?.returnvalue, {
      timeoutMs: 10_000,
      what: "the replayed batch to be processed",
    });
    await queue.close();
    connection.disconnect();
    expect(outcome).toMatchObject({ batchId: batch?.id, applied: false });
    expect(await totals()).toEqual(before);
  });
});
