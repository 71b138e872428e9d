import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateApiKey } from "@outcry/core";
import { insertApiKey, openDatabase } from "@outcry/db";
import { appendLiveEvent, createProducerRedis, redisReady, signalsQueueNames } from "@outcry/queue";
import {
  body,
  createTestDatabase,
  LocalRedisCluster,
  openEventStream,
  type TestDatabase,
  waitFor,
} from "@outcry/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutcryProcess } from "../chaos/outcry-process.ts";

const SHARDS = 3;
const REPORTS = 600;

// Outcry on a three-master Redis Cluster: two api replicas and an aggregator, the signals spread
// over three hash-tagged queues. Everything that lives in Redis must work there: the queues, the
// rate limit and dedupe script, the live-events stream and the catalog's pub/sub.
describe("on a Redis Cluster", () => {
  let cluster: LocalRedisCluster;
  let database: TestDatabase;
  let sql: postgres.Sql;
  let dataDir: string;
  const processes: OutcryProcess[] = [];
  let first: OutcryProcess;
  let second: OutcryProcess;

  beforeAll(async () => {
    cluster = await LocalRedisCluster.start(3);
    database = await createTestDatabase();
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    dataDir = mkdtempSync(join(tmpdir(), "outcry-cluster-"));
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: cluster.url,
      SIGNAL_SHARDS: String(SHARDS),
      DATA_DIR: dataDir,
      TRUST_PROXY: "1",
      REPORTER_KEY_SECRET: "cluster-test-secret-cluster",
      RESPONSE_CACHE_MS: "0",
      OFFICIAL_POLL_INTERVAL_SECONDS: "0",
    };
    first = await OutcryProcess.start("api", env);
    second = await OutcryProcess.start("api", env);
    processes.push(first, second, await OutcryProcess.start("aggregator", env));
  }, 120_000);

  afterAll(async () => {
    for (const outcry of processes) await outcry.stop("SIGKILL");
    await sql?.end();
    await database?.drop();
    await cluster?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const report = (replica: OutcryProcess, address: string, service = "spotify", problem = "app") =>
    fetch(`${replica.apiUrl}/v1/reports`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": address },
      body: JSON.stringify({ service, problem, region: "GB" }),
    });

  it("counts every acknowledged report exactly once, the shards spread over the masters", async () => {
    const services = ["spotify", "discord", "steam", "netflix", "youtube", "whatsapp"];
    const catalog = await body(fetch(`${first.apiUrl}/v1/services`));
    const problemOf = new Map<string, string>(
      catalog.services.map((service: { slug: string; problems: { id: string }[] }) => [
        service.slug,
        service.problems[0]?.id,
      ]),
    );
    const acknowledged: string[] = [];
    let next = 0;
    // Twenty reporters at a time, alternating replicas and services.
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        for (let n = next++; n < REPORTS; n = next++) {
          const replica = n % 2 ? first : second;
          const service = services[n % services.length] as string;
          const answer = await report(replica, `10.7.${n >> 8}.${n & 255}`, service, problemOf.get(service));
          expect(answer.status).toBe(202);
          const { id, counted } = (await answer.json()) as { id: string; counted: boolean };
          if (counted) acknowledged.push(id);
        }
      }),
    );
    expect(acknowledged).toHaveLength(REPORTS);
    const stored = async () => (await sql`select count(*)::int as n from reports`)[0]?.n as number;
    await waitFor(async () => (await stored()) === REPORTS || undefined, {
      timeoutMs: 20_000,
      what: `${REPORTS} reports stored`,
    });
    const ids = (await sql`select id from reports`).map((row) => row.id);
    expect(new Set(ids)).toEqual(new Set(acknowledged));
    const [{ counted } = { counted: 0 }] =
      await sql`select coalesce(sum(count), 0)::int as counted from service_counts_minute`;
    expect(counted).toBe(REPORTS);

    // Each shard's queue sits on one master; three tags over three masters use more than one.
    const holders = await Promise.all(
      signalsQueueNames(SHARDS).map(async (name) => {
        const perNode = await cluster.keysPerNode(`outcry:${name}:*`);
        return perNode.flatMap((keys, node) => (keys.length > 0 ? [node] : []));
      }),
    );
    for (const nodes of holders) expect(nodes).toHaveLength(1);
    expect(new Set(holders.flat()).size).toBeGreaterThan(1);
  });

  it("rate-limits one address and counts a reporter once, across replicas", async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 12; n++) statuses.push((await report(n % 2 ? first : second, "10.8.0.1")).status);
    expect(statuses).toEqual([...Array(10).fill(202), 429, 429]);
    const refused = await report(first, "10.8.0.1");
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    expect((await body(report(first, "10.8.0.2", "discord"))).counted).toBe(true);
    expect((await body(report(second, "10.8.0.2", "discord"))).counted).toBe(false);
  });

  it("reloads the catalog on every replica through pub/sub, and streams live events to both", async () => {
    const db = await openDatabase({ url: database.url, dataDir });
    const { key, prefix, hash } = generateApiKey();
    await insertApiKey(db.db, {
      id: crypto.randomUUID(),
      name: "cluster",
      prefix,
      hash,
      scopes: ["catalog:write"],
    });
    await db.close();
    const streams = await Promise.all([
      openEventStream(`${first.apiUrl}/v1/stream`),
      openEventStream(`${second.apiUrl}/v1/stream`),
    ]);
    try {
      const created = await fetch(`${first.apiUrl}/v1/services`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({
          slug: "acme-cloud",
          name: "Acme Cloud",
          category: "cloud",
          aliases: ["acme cloud"],
          keywords: ["acme cloud down"],
          problems: [{ id: "console", label: "Console" }],
        }),
      });
      expect(created.status).toBe(201);
      // The other replica polls the catalog only once a minute: within seconds, it heard.
      await waitFor(
        async () => (await report(second, "10.8.1.1", "acme-cloud", "console")).status === 202 || undefined,
        {
          timeoutMs: 5_000,
          what: "the second replica to know the new service",
        },
      );
      // The live-events stream, appended as the aggregator does, reaches both replicas' clients.
      const publisher = createProducerRedis(cluster.url);
      try {
        await redisReady(publisher);
        const incidentId = crypto.randomUUID();
        await appendLiveEvent(publisher, "outcry", {
          type: "incident.opened",
          service: "acme-cloud",
          region: "*",
          incidentId,
          at: Date.now(),
          count: 40,
          expected: 2,
          score: 0.99,
        });
        await waitFor(
          () =>
            streams.every((stream) => stream.events.some((event) => event.data.incidentId === incidentId)) ||
            undefined,
          { timeoutMs: 5_000, what: "the event on both replicas' streams" },
        );
      } finally {
        publisher.disconnect();
      }
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});
