import { setTimeout as sleep } from "node:timers/promises";
import { type Aggregator, startAggregator } from "@outcry/aggregator";
import { CatalogIndex, loadConfig, loadSeedCatalog } from "@outcry/core";
import { type Database, openDatabase, saveDetectorStates, upsertServices } from "@outcry/db";
import { createProducerRedis, redisReady } from "@outcry/queue";
import {
  createTestDatabase,
  deleteRedisPrefix,
  FakeBlueskyXrpc,
  FakeJetstream,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
  waitFor,
} from "@outcry/testing";
import { pino } from "pino";
import postgres from "postgres";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Ingest, startIngest } from "../src/ingest.ts";
import { createIngestMetrics } from "../src/ingest-metrics.ts";
import { JetstreamClient } from "../src/jetstream-client.ts";
import { ingestPosts } from "./ingest-posts.ts";

const logger = pino({ level: "silent" });

// The live path end to end: a Jetstream-compatible server, the real collector, the real queue and
// aggregator, counts in Postgres.
describe("jetstream ingest", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sql: postgres.Sql;
  let jetstream: FakeJetstream;
  let aggregator: Aggregator;
  let ingest: Ingest;
  const registry = new Registry();
  const prefix = uniquePrefix("ingest");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const posts = ingestPosts();
  const complaints = posts.filter((post) => post.complaint).length;
  let published = 0;

  const publishAll = (did: string) => {
    for (const post of posts)
      jetstream.publishPost({ did, rkey: `r${published++}`, text: post.text, langs: ["en"] });
  };
  const counted = async () => {
    const [row] = await sql`
      select (select coalesce(sum(count), 0)::int from counts_minute where source = 'bluesky') as minute,
             (select coalesce(sum(count), 0)::int from counts_hour where source = 'bluesky') as hour,
             (select count(*)::int from posts) as posts`;
    return row as { minute: number; hour: number; posts: number };
  };
  const metric = async (name: string, labels: Record<string, string> = {}) => {
    const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
    const match = values.find((value) => Object.entries(labels).every(([key, v]) => value.labels[key] === v));
    return match?.value ?? 0;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
    await database.migrate();
    await upsertServices(database.db, loadSeedCatalog());
    sql = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
    await redisReady(redis);
    jetstream = await FakeJetstream.start();
    const config = loadConfig({
      QUEUE_PREFIX: prefix,
      BLUESKY_JETSTREAM_URL: jetstream.url,
      BLUESKY_SEARCH_INTERVAL_SECONDS: "0",
      OFFICIAL_POLL_INTERVAL_SECONDS: "0",
    });
    aggregator = await startAggregator({
      config,
      database,
      redisUrl: TEST_REDIS_URL,
      logger,
      detection: false,
    });
    const catalog = new CatalogIndex(loadSeedCatalog());
    ingest = await startIngest({ config, database, redis, catalog: () => catalog, logger, registry });
    await waitFor(() => jetstream.connectionCount === 1, { what: "the collector to connect" });
  });

  afterAll(async () => {
    await ingest?.close();
    await aggregator?.close();
    await jetstream?.close();
    await redis.quit();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await sql?.end();
    await database?.close();
    await testDatabase?.drop();
  });

  it("counts the complaints of the live stream once each, and nothing else", async () => {
    expect(complaints).toBeGreaterThanOrEqual(6);
    expect(complaints).toBeLessThan(posts.length);
    publishAll("did:plc:first");
    await waitFor(async () => (await counted()).posts === complaints, { what: "complaints to be stored" });
    expect(await counted()).toEqual({ minute: complaints, hour: complaints, posts: complaints });
    expect(await metric("outcry_ingest_posts_total", { result: "matched" })).toBe(complaints);
  });

  it("survives a dropped socket: resumes from its cursor, rewound, and counts nothing twice", async () => {
    const before = await counted();
    const requests = jetstream.connectRequests.length;
    jetstream.dropConnections();
    publishAll("did:plc:second");
    await waitFor(() => jetstream.connectRequests.length > requests && jetstream.connectionCount === 1, {
      what: "a reconnect",
    });
    const resume = new URL(jetstream.connectRequests.at(-1) as string, "ws://x");
    expect(Number(resume.searchParams.get("cursor"))).toBeGreaterThan(0);
    expect(resume.searchParams.getAll("wantedCollections")).toEqual(["app.bsky.feed.post"]);
    await waitFor(async () => (await counted()).posts === before.posts + complaints, { what: "the replay" });
    await sleep(500);
    expect((await counted()).minute).toBe(before.minute + complaints);
  });

  it("counts malformed frames and frames it does not know, and reads on", async () => {
    const before = await counted();
    jetstream.sendRaw("this is not json");
    jetstream.sendRaw(JSON.stringify({ did: "did:plc:x", time_us: Date.now() * 1000, kind: "commit" }));
    jetstream.publish({
      did: "did:plc:x",
      kind: "identity",
      identity: { did: "did:plc:x", handle: "x.test", seq: 1, time: new Date().toISOString() },
    });
    publishAll("did:plc:third");
    await waitFor(async () => (await counted()).posts === before.posts + complaints, {
      what: "posts after garbage",
    });
    expect(await metric("outcry_jetstream_events_total", { kind: "malformed" })).toBe(2);
    expect(await metric("outcry_jetstream_events_total", { kind: "identity" })).toBeGreaterThanOrEqual(1);
  });
});

// Backpressure: a consumer that cannot keep up pauses the socket instead of buffering the stream.
describe("jetstream client under a slow consumer", () => {
  it("holds a bounded number of posts, pausing the socket, and still reads every event", async () => {
    const jetstream = await FakeJetstream.start();
    const registry = new Registry();
    const metrics = createIngestMetrics(registry);
    let inHand = 0;
    let mostInHand = 0;
    // One post at a time, 2 ms each: about 500 posts/s against a stream of 20,000/s.
    let queue = Promise.resolve();
    const seen: string[] = [];
    let saved: number | undefined;
    const client = new JetstreamClient({
      url: jetstream.url,
      loadCursor: async () => undefined,
      saveCursor: async (cursor) => {
        saved = cursor;
      },
      onPost: (post) => {
        inHand++;
        mostInHand = Math.max(mostInHand, inHand);
        seen.push(post.uri);
        queue = queue.then(async () => {
          await sleep(2);
          inHand--;
        });
        return queue;
      },
      logger,
      metrics,
      maxPending: 50,
      cursorSaveIntervalMs: 100,
    });
    try {
      client.start();
      await waitFor(() => jetstream.connectionCount === 1, { what: "connect" });
      const total = 2_000;
      await jetstream.stream(total, 20_000, (n) => ({
        did: "did:plc:slow",
        rkey: `p${n}`,
        text: `post ${n}`,
      }));
      await waitFor(() => seen.length === total, { timeoutMs: 30_000, what: "every post" });
      // Paused at 50; frames already read from the socket still arrive (ws empties its buffer), so
      // the bound is 50 plus one read, far below the 2,000 an unpaused client would hold.
      expect(mostInHand).toBeLessThan(400);
      expect(
        (await registry.getSingleMetric("outcry_jetstream_backpressure_pauses_total")?.get())?.values[0]
          ?.value,
      ).toBeGreaterThan(0);
      expect(new Set(seen).size).toBe(total);
      const last = jetstream.events.at(-1)?.time_us;
      await waitFor(() => saved === last, { what: "the cursor to reach the last event" });
    } finally {
      await client.close();
      await jetstream.close();
    }
  });
});

// The backfill path end to end: a service the detector flags is searched on an XRPC server speaking
// the real protocol, its complaints are counted once, and a second round adds only what is new.
describe("search ingest", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sql: postgres.Sql;
  let xrpc: FakeBlueskyXrpc;
  let aggregator: Aggregator;
  let ingest: Ingest;
  const prefix = uniquePrefix("search-ingest");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const posts = ingestPosts();
  const account = { did: "did:plc:outcry", handle: "outcry.test", password: "app-password-1234" };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
    await database.migrate();
    await upsertServices(database.db, loadSeedCatalog());
    sql = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
    await redisReady(redis);
    xrpc = await FakeBlueskyXrpc.start({ accounts: [account], requireAuth: true });
    // Only the services the detector flags are searched: spotify is, netflix is not.
    await saveDetectorStates(database.db, [
      {
        service: "spotify",
        region: "*",
        source: "all",
        lastBucket: Date.now(),
        state: {},
        status: "problems",
        score: 0.9,
      },
    ]);
  });

  afterAll(async () => {
    await ingest?.close();
    await aggregator?.close();
    await xrpc?.close();
    await redis.quit();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await sql?.end();
    await database?.close();
    await testDatabase?.drop();
  });

  it("counts the complaints found for a flagged service once, across rounds", async () => {
    const spotify = posts.filter((post) => /spotify/i.test(post.text));
    const expected = spotify.filter((post) => post.complaint).length;
    expect(expected).toBeGreaterThanOrEqual(1);
    for (const post of posts) xrpc.addPost({ did: "did:plc:someone", text: post.text, langs: ["en"] });
    const config = loadConfig({
      QUEUE_PREFIX: prefix,
      BLUESKY_JETSTREAM_URL: "off",
      BLUESKY_SERVICE: xrpc.url,
      BLUESKY_IDENTIFIER: account.handle,
      BLUESKY_APP_PASSWORD: account.password,
      BLUESKY_SEARCH_INTERVAL_SECONDS: "1",
      OFFICIAL_POLL_INTERVAL_SECONDS: "0",
    });
    aggregator = await startAggregator({
      config,
      database,
      redisUrl: TEST_REDIS_URL,
      logger,
      detection: false,
    });
    const catalog = new CatalogIndex(loadSeedCatalog());
    ingest = await startIngest({ config, database, redis, catalog: () => catalog, logger });
    const stored = async () => (await sql`select service from posts`).map((row) => row.service as string);
    await waitFor(async () => (await stored()).length === expected, {
      what: "spotify complaints from search",
    });
    // More rounds pass: nothing is counted twice, and netflix (not flagged) was never searched for.
    await waitFor(() => xrpc.requestCount("app.bsky.feed.searchPosts") >= 3, { what: "three search rounds" });
    expect(await stored()).toEqual(Array(expected).fill("spotify"));
    const [row] =
      await sql`select coalesce(sum(count), 0)::int as counted from counts_minute where source = 'bluesky'`;
    expect(row?.counted).toBe(expected);
    expect(xrpc.logins).toBe(1);
  });
});
