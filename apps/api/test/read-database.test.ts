import { generateApiKey, loadConfig, loadSeedCatalog, type Signal } from "@outcry/core";
import {
  applySignalBatch,
  type Database,
  insertApiKey,
  insertIncident,
  listApiKeys,
  listServices,
  openDatabase,
  upsertServices,
} from "@outcry/db";
import { createProducerRedis, LiveCatalog, redisReady } from "@outcry/queue";
import {
  body,
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
} from "@outcry/testing";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../src/index.ts";

const at = Date.parse("2025-04-16T10:00:00Z");
const window = "from=2025-04-16T09:30:00Z&to=2025-04-16T10:30:00Z";

function reports(count: number, region: string, problem: string): Signal[] {
  return Array.from({ length: count }, () => ({
    id: crypto.randomUUID(),
    service: "spotify",
    region,
    source: "report" as const,
    at,
    problem,
    reporter: crypto.randomUUID(),
  }));
}

// DATABASE_READ_URL: the api's public queries go to the read database, everything else to the
// primary. The two databases hold different counts here, so every answer shows where it came from.
describe("an api with a read database", () => {
  const prefix = uniquePrefix("read");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const tests: TestDatabase[] = [];
  let primary: Database;
  let replica: Database;
  let catalog: LiveCatalog;
  let server: ApiServer;
  let adminKey: string;
  const incidentId = crypto.randomUUID();

  const open = async () => {
    const test = await createTestDatabase();
    tests.push(test);
    const database = await openDatabase({ url: test.url, dataDir: "unused" });
    await database.migrate();
    await upsertServices(database.db, loadSeedCatalog());
    return database;
  };

  beforeAll(async () => {
    [primary, replica] = await Promise.all([open(), open()]);
    await applySignalBatch(primary.db, { id: crypto.randomUUID(), signals: reports(2, "GB", "login") });
    await applySignalBatch(replica.db, { id: crypto.randomUUID(), signals: reports(9, "US", "playback") });
    // An incident the replica has (replicated) and the primary, for this test, does not.
    await insertIncident(replica.db, {
      id: incidentId,
      service: "spotify",
      region: "*",
      source: "all",
      status: "open",
      startedAt: new Date(at),
      detectedAt: new Date(at + 60_000),
      peakAt: new Date(at),
      peakCount: 9,
      peakExpected: 1,
      peakScore: 1,
    });
    const generated = generateApiKey();
    adminKey = generated.key;
    await insertApiKey(primary.db, {
      id: crypto.randomUUID(),
      name: "admin",
      prefix: generated.prefix,
      hash: generated.hash,
      scopes: ["keys:write"],
    });
    await redisReady(redis);
    catalog = await LiveCatalog.start({
      load: () => listServices(primary.db),
      redisUrl: TEST_REDIS_URL,
      publisher: redis,
      prefix,
      onError: () => {},
    });
    server = await startApiServer({
      config: loadConfig({ PORT: "0", QUEUE_PREFIX: prefix, LOG_LEVEL: "silent", RESPONSE_CACHE_MS: "0" }),
      database: primary,
      readDatabase: replica,
      redis,
      catalog: () => catalog.current(),
      reporterKeySecret: "test-secret-test-secret",
      logger: pino({ level: "silent" }),
    });
  });

  afterAll(async () => {
    await server?.close();
    catalog?.close();
    redis.disconnect();
    await primary?.close();
    await replica?.close();
    for (const test of tests) await test.drop();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  const get = (path: string, key?: string) =>
    fetch(`${server.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it("answers series, regions, problems and incidents from the read database", async () => {
    const series = await body(
      get("/v1/services/spotify/series?from=2025-04-16T10:00:00Z&to=2025-04-16T10:01:00Z"),
    );
    expect(series.points.map((point: { count: number }) => point.count)).toEqual([9]);
    const regions = await body(get(`/v1/services/spotify/regions?${window}`));
    expect(
      regions.regions.map((region: { region: string; count: number }) => [region.region, region.count]),
    ).toEqual([["US", 9]]);
    const problems = await body(get(`/v1/services/spotify/problems?${window}`));
    expect(problems.total).toBe(9);
    expect(problems.problems[0]).toMatchObject({ id: "playback", count: 9 });
    const incidents = await body(get("/v1/incidents?service=spotify"));
    expect(incidents.incidents.map((incident: { id: string }) => incident.id)).toEqual([incidentId]);
    expect((await get(`/v1/incidents/${incidentId}`)).status).toBe(200);
  });

  it("keeps admin reads and writes on the primary, and leaves the read database untouched", async () => {
    const created = await fetch(`${server.url}/v1/admin/keys`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ name: "ci", scopes: ["catalog:write"] }),
    });
    // The admin key exists on the primary only: a 201 means the key was checked there.
    expect(created.status).toBe(201);
    expect((await listApiKeys(primary.db)).map((key) => key.name).sort()).toEqual(["admin", "ci"]);
    expect(await listApiKeys(replica.db)).toEqual([]);
    const listed = await body(get("/v1/admin/keys", adminKey));
    expect(listed.keys.map((key: { name: string }) => key.name).sort()).toEqual(["admin", "ci"]);
  });

  it("is ready only while the read database answers too", async () => {
    const ready = await body(get("/readyz"));
    expect(ready).toEqual({ status: "ready", checks: { postgres: "ok", postgres_read: "ok", redis: "ok" } });
  });
});
