import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadSeedCatalog } from "@outcry/core";
import {
  createTestDatabase,
  FakeJetstream,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
  waitFor,
} from "@outcry/testing";
import { trainedPipeline } from "@outcry/text";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";

const COMPLAINTS = [
  "is discord down for anyone else?? can't send a single message",
  "spotify not working again, songs won't play at all",
  "netflix keeps buffering every 10 seconds, is it down?",
  "youtube is down for me, every video errors",
  "gmail won't load, stuck on the loading screen forever",
  "reddit is down again lol, 503 everywhere",
];
const CHATTER = [
  "Spotify shares down 4% after earnings",
  "what a lovely day for a walk",
  "netflix is back up, finally",
];

// The live path's guarantee with a real fault: `outcry --role ingest` is SIGKILLed while posts keep
// coming, then restarted. Every complaint published, before, during and after the outage, is
// counted exactly once.
describe("ingest killed and restarted", () => {
  let testDatabase: TestDatabase;
  let sql: postgres.Sql;
  let jetstream: FakeJetstream;
  let dataDir: string;
  let env: Record<string, string>;
  let aggregator: OutcryProcess;
  let ingest: OutcryProcess;
  const pipeline = trainedPipeline(loadSeedCatalog());
  let published = 0;
  let expected = 0;

  const publish = (count: number) => {
    for (let n = 0; n < count; n++) {
      const text = [...COMPLAINTS, ...CHATTER][published % (COMPLAINTS.length + CHATTER.length)] as string;
      if (pipeline.judge({ text, langs: ["en"] }).kept) expected++;
      jetstream.publishPost({
        did: `did:plc:user${published % 97}`,
        rkey: `post${published}`,
        text,
        langs: ["en"],
      });
      published++;
    }
  };
  const counted = async () => {
    const [row] = await sql`
      select (select coalesce(sum(count), 0)::int from counts_minute where source = 'bluesky') as counted,
             (select count(*)::int from posts) as posts`;
    return row as { counted: number; posts: number };
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    sql = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
    jetstream = await FakeJetstream.start();
    dataDir = mkdtempSync(join(tmpdir(), "outcry-ingest-restart-"));
    env = {
      DATABASE_URL: testDatabase.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix("ingest-restart"),
      DATA_DIR: dataDir,
      BLUESKY_JETSTREAM_URL: jetstream.url,
      BLUESKY_SEARCH_INTERVAL_SECONDS: "0",
    };
    aggregator = await OutcryProcess.start("aggregator", env);
    ingest = await OutcryProcess.start("ingest", env);
  });

  afterAll(async () => {
    await ingest?.stop("SIGKILL");
    await aggregator?.stop("SIGKILL");
    await jetstream?.close();
    await sql?.end();
    await testDatabase?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("counts every complaint once across a kill -9", async () => {
    await waitFor(() => jetstream.connectionCount === 1, { what: "ingest to connect" });
    for (let burst = 0; burst < 10; burst++) {
      publish(45);
      await sleep(100);
    }
    // The cursor is saved every few seconds; kill only once one has been.
    await waitFor(async () => (await sql`select cursor from ingest_cursors`).length === 1, {
      timeoutMs: 15_000,
      what: "a saved cursor",
    });
    publish(45);
    await ingest.stop("SIGKILL");
    // Posts keep coming while ingest is down: the restart must pick them up from the cursor.
    publish(200);
    ingest = await OutcryProcess.start("ingest", env);
    publish(100);
    await waitFor(async () => (await counted()).posts === expected, {
      timeoutMs: 30_000,
      what: "every complaint",
    });
    await sleep(1_000);
    expect(expected).toBeGreaterThan(500);
    expect(await counted()).toEqual({ counted: expected, posts: expected });
    const resume = new URL(jetstream.connectRequests.at(-1) as string, "ws://x");
    expect(Number(resume.searchParams.get("cursor"))).toBeGreaterThan(0);
  });

  it("serves its metrics on its own port, with the Jetstream lag and what it matched", async () => {
    const metrics = await (await fetch(ingest.metricsUrl as string)).text();
    expect(metrics).toMatch(/^outcry_jetstream_lag_seconds \d/m);
    expect(metrics).toMatch(/^outcry_ingest_posts_total\{collector="jetstream",result="matched"\} [1-9]/m);
    expect((await fetch((ingest.metricsUrl as string).replace("/metrics", "/healthz"))).status).toBe(200);
  });
});
