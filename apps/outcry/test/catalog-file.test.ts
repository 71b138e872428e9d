import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSeedCatalog } from "@outcry/core";
import { createProducerRedis, liveEventsAfter, redisReady } from "@outcry/queue";
import {
  createTestDatabase,
  deleteRedisPrefix,
  FakeStatuspage,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
  waitFor,
} from "@outcry/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";

// CATALOG_FILE as an operator uses it: a real `outcry start` reads it before anything else.
describe("CATALOG_FILE", () => {
  let testDatabase: TestDatabase;
  let sql: postgres.Sql;
  let dataDir: string;
  let statuspage: FakeStatuspage;
  let prefix: string;
  let env: Record<string, string>;
  let outcry: OutcryProcess | undefined;
  const redis = createProducerRedis(TEST_REDIS_URL);

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    sql = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
    dataDir = mkdtempSync(join(tmpdir(), "outcry-catalog-file-"));
    statuspage = await FakeStatuspage.start();
    prefix = uniquePrefix();
    env = {
      DATABASE_URL: testDatabase.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir,
      BLUESKY_JETSTREAM_URL: "off",
      BLUESKY_SEARCH_INTERVAL_SECONDS: "0",
      OFFICIAL_POLL_INTERVAL_SECONDS: "1",
      OFFICIAL_HOST_INTERVAL_MS: "0",
    };
  });

  afterAll(async () => {
    await outcry?.stop("SIGKILL");
    await statuspage?.close();
    await sql?.end();
    await testDatabase?.drop();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
    redis.disconnect();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const intranet = (url: string) => ({
    slug: "intranet",
    name: "Intranet",
    category: "productivity",
    aliases: ["our intranet"],
    problems: [{ id: "login", label: "Login" }],
    official: [{ kind: "statuspage", url }],
  });

  it("stops start-up on a bad file, naming the entry and field, before anything is written", async () => {
    const file = join(dataDir, "bad-catalog.json");
    writeFileSync(
      file,
      JSON.stringify([
        intranet("https://status.example.org"),
        { ...intranet("ftp://status.example.org"), slug: "wiki", aliases: ["our wiki"] },
      ]),
    );
    const { code, output } = await OutcryProcess.run(["start", "--role", "ingest"], {
      ...env,
      CATALOG_FILE: file,
    });
    expect(code).toBe(1);
    expect(output).toContain(`CATALOG_FILE ${file}: entry 1 (wiki) official.0.url: must be an http(s) URL`);
    const [{ table }] = await sql<
      [{ table: string | null }]
    >`select to_regclass('public.services')::text as table`;
    expect(table).toBeNull();
  });

  it("adds its services over the seed, and the ingest role polls the sources it names", async () => {
    const page = statuspage.addPage("intranet", { name: "Intranet", components: ["SSO"] });
    page.openIncident({
      name: "SSO logins failing",
      impact: "major",
      body: "Investigating.",
      components: ["SSO"],
    });
    // The seed's own sources turned off (the test machine has no network), which is how an
    // operator does it too: the file's entry replaces the seed's whole.
    const quiet = loadSeedCatalog()
      .filter((service) => (service.official ?? []).length > 0)
      .map((service) => ({ ...service, official: [] }));
    const file = join(dataDir, "catalog.json");
    writeFileSync(file, JSON.stringify([intranet(page.url), ...quiet]));
    outcry = await OutcryProcess.start("ingest", { ...env, CATALOG_FILE: file });

    const [stored] = await sql<
      [{ official: unknown }]
    >`select official from services where slug = 'intranet'`;
    expect(stored.official).toEqual([{ kind: "statuspage", url: page.url }]);
    const [{ count }] = await sql<[{ count: number }]>`select count(*)::int as count from services`;
    expect(count).toBe(loadSeedCatalog().length + 1);
    const [github] = await sql<[{ official: unknown }]>`select official from services where slug = 'github'`;
    expect(github.official).toEqual([]);

    const rows = await waitFor(
      async () => {
        const found = await sql<{ kind: string; title: string }[]>`
          select kind, title from official_changes where source = ${page.url} order by at, id`;
        return found.some((row) => row.kind === "incident-created") ? found : undefined;
      },
      { what: "the file's source polled", timeoutMs: 30_000 },
    );
    expect(rows.find((row) => row.kind === "incident-created")?.title).toBe("SSO logins failing");
    const [{ sources }] = await sql<
      [{ sources: string[] }]
    >`select array_agg(key) as sources from official_sources`;
    expect(sources).toEqual([page.url]);
    // And it is news: an official.changed live event for the stream and webhooks.
    await redisReady(redis);
    const events = (await liveEventsAfter(redis, prefix, "0-0")).map((entry) => entry.event);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "official.changed",
        service: "intranet",
        source: page.url,
        kind: "incident-created",
        title: "SSO logins failing",
      }),
    );
  });
});
