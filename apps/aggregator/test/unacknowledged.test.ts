import { randomUUID } from "node:crypto";
import { loadSeedCatalog } from "@outcry/core";
import {
  type Database,
  GLOBAL_REGION,
  insertIncident,
  openDatabase,
  recordOfficialReading,
  upsertServices,
} from "@outcry/db";
import { createProducerRedis, liveEventsAfter, redisReady } from "@outcry/queue";
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
} from "@outcry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { announceUnacknowledged } from "../src/unacknowledged-watch.ts";

const MINUTE = 60_000;

describe("incidents the provider has not acknowledged", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const prefix = uniquePrefix("unack");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const now = Date.now();

  const open = async (service: string, minutesAgo: number) => {
    const id = randomUUID();
    await insertIncident(database.db, {
      id,
      service,
      region: GLOBAL_REGION,
      source: "all",
      status: "open",
      startedAt: new Date(now - minutesAgo * MINUTE),
      detectedAt: new Date(now - (minutesAgo - 2) * MINUTE),
      resolvedAt: null,
      peakAt: new Date(now - MINUTE),
      peakCount: 200,
      peakExpected: 10,
      peakScore: 1,
      globalIncidentId: null,
    });
    return id;
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
    await database.migrate();
    await upsertServices(database.db, loadSeedCatalog());
    await redisReady(redis);
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    await database.close();
    await testDatabase.drop();
  });

  it("announces a silent provider once, after the configured minutes, where it has a page", async () => {
    const silent = await open("github", 20);
    // Its page was read, and says nothing is wrong.
    await recordOfficialReading(database.db, {
      key: "https://www.githubstatus.com",
      kind: "statuspage",
      validators: {},
      state: {},
      changes: [],
      at: now - MINUTE,
    });
    // Zoom's page was never read (no network, a page that moved): its silence is not known.
    await open("zoom", 40);
    await open("github-copilot", 5); // too early
    await open("spotify", 40); // no official source in the catalog: not judged
    // Discord's page said something 10 minutes in: acknowledged.
    await open("discord", 30);
    await recordOfficialReading(database.db, {
      key: "https://discordstatus.com",
      kind: "statuspage",
      validators: {},
      state: {},
      changes: [
        {
          naturalKey: "incident:d1:created",
          kind: "incident-created",
          at: now - 20 * MINUTE,
          incidentId: "d1",
        },
      ],
      at: now - 19 * MINUTE,
    });

    const events = await announceUnacknowledged(database.db, redis, prefix, 15, now);
    expect(events).toEqual([
      expect.objectContaining({
        type: "incident.unacknowledged",
        service: "github",
        incidentId: silent,
        minutes: 20,
      }),
    ]);
    expect((await liveEventsAfter(redis, prefix, "0-0")).map((entry) => entry.event.incidentId)).toEqual([
      silent,
    ]);
    // Once per incident, however many ticks (or aggregators) look again.
    expect(await announceUnacknowledged(database.db, redis, prefix, 15, now + MINUTE)).toEqual([]);
    // The early one's turn comes when it has been silent long enough.
    const later = await announceUnacknowledged(database.db, redis, prefix, 15, now + 11 * MINUTE);
    expect(later.map((event) => event.service)).toEqual(["github-copilot"]);
  });
});
