import { type ApiKeyScope, generateApiKey, loadConfig, loadSeedCatalog } from "@outcry/core";
import { type Database, insertApiKey, listServices, openDatabase, upsertServices } from "@outcry/db";
import { createProducerRedis, createSignalsQueue, LiveCatalog, redisReady } from "@outcry/queue";
import { createTestDatabase, deleteRedisPrefix, TEST_REDIS_URL, uniquePrefix } from "@outcry/testing";
import { pino } from "pino";
import { type ApiServer, startApiServer } from "../src/index.ts";

export interface TestApi {
  url: string;
  prefix: string;
  database: Database;
  /** The signals queue the api writes to, for looking at what it stored. */
  queue: ReturnType<typeof createSignalsQueue>;
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** A fresh admin key with these scopes, stored as the api stores them. */
  adminKey(scopes: ApiKeyScope[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real api on a free port, over a fresh Postgres database and the shared Redis under a prefix
 * of its own. `redisUrl` / `databaseUrl` point it elsewhere (at nothing, to test outages).
 */
export async function startTestApi(
  options: { env?: Record<string, string>; redisUrl?: string; databaseUrl?: string } = {},
): Promise<TestApi> {
  const prefix = uniquePrefix("api");
  // Tests read right after they write: no response cache unless a test asks for one.
  const config = loadConfig({
    PORT: "0",
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: "silent",
    RESPONSE_CACHE_MS: "0",
    ...options.env,
  });
  const testDatabase = await createTestDatabase();
  const seeded = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
  await seeded.migrate();
  await upsertServices(seeded.db, loadSeedCatalog());
  const database = options.databaseUrl
    ? await openDatabase({ url: options.databaseUrl, dataDir: "unused" })
    : seeded;
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const redis = createProducerRedis(redisUrl);
  redis.on("error", () => {});
  if (!options.redisUrl) await redisReady(redis);
  const catalog = await LiveCatalog.start({
    load: () => listServices(seeded.db),
    redisUrl,
    publisher: redis,
    prefix,
    onError: () => {},
  });
  const server: ApiServer = await startApiServer({
    config,
    database,
    redis,
    catalog: () => catalog.current(),
    catalogChanged: () => catalog.changed(),
    reporterKeySecret: "test-secret-test-secret",
    logger: pino({ level: "silent" }),
  });
  const inspection = createProducerRedis(TEST_REDIS_URL);
  await redisReady(inspection);
  const queue = createSignalsQueue(inspection, prefix);
  return {
    url: server.url,
    prefix,
    database: seeded,
    queue,
    post: (body, headers = {}) =>
      fetch(`${server.url}/v1/reports`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    async adminKey(scopes) {
      const { key, prefix, hash } = generateApiKey();
      await insertApiKey(seeded.db, { id: crypto.randomUUID(), name: "test", prefix, hash, scopes });
      return key;
    },
    async close() {
      await server.close();
      catalog.close();
      redis.disconnect();
      await queue.close();
      inspection.disconnect();
      if (database !== seeded) await database.close();
      await seeded.close();
      await testDatabase.drop();
      await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    },
  };
}

/** Signals stored in the queue so far, over all jobs. */
export async function queuedSignals(api: TestApi) {
  const jobs = await api.queue.getJobs(["waiting", "active", "completed", "delayed", "prioritized"]);
  return jobs.flatMap((job) => job.data.signals);
}
