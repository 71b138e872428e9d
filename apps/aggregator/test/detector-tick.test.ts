import { randomUUID } from "node:crypto";
import { loadConfig, loadSeedCatalog, type Signal, serviceShard } from "@outcry/core";
import { type Database, openDatabase, upsertServices } from "@outcry/db";
import {
  createProducerRedis,
  createSignalsQueue,
  lastLiveEventId,
  liveEventsAfter,
  redisReady,
  SignalBatcher,
} from "@outcry/queue";
import {
  createTestDatabase,
  deleteRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  uniquePrefix,
  waitFor,
} from "@outcry/testing";
import { pino } from "pino";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Aggregator, startAggregator } from "../src/aggregator.ts";
import { tickAndPublish } from "../src/detection-worker.ts";
import { type DetectorShard, DetectorTick } from "../src/detector-tick.ts";

const MINUTE = 60_000;
const start = Date.parse("2025-04-16T08:00:00Z");
const OUTAGE_START = 180; // minutes after start
const OUTAGE_END = 210;
const MINUTES = 240;

/** Reports per minute: 6 in GB and 4 in US, GB 8x during the outage. */
function reportsAt(minute: number): Signal[] {
  const gb = minute >= OUTAGE_START && minute < OUTAGE_END ? 48 : 6;
  const region = (n: number) => (n < gb ? "GB" : "US");
  return Array.from({ length: gb + 4 }, (_, n) => ({
    id: randomUUID(),
    service: "spotify",
    region: region(n),
    source: "report" as const,
    at: start + minute * MINUTE + n * 100,
    problem: "playback",
    reporter: `r-${minute}-${n}`,
  }));
}

// A scenario through the real queue and database: reports go in as signal batches, the aggregator
// counts them, and the tick, run minute by minute, writes incident rows.
describe("the detector tick", () => {
  let testDatabase: TestDatabase;
  let database: Database;
  let sql: postgres.Sql;
  let aggregator: Aggregator;
  const prefix = uniquePrefix("tick");
  const redis = createProducerRedis(TEST_REDIS_URL);
  const queue = createSignalsQueue(redis, prefix);

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = await openDatabase({ url: testDatabase.url, dataDir: "unused" });
    await database.migrate();
    await upsertServices(database.db, loadSeedCatalog());
    sql = postgres(testDatabase.url, { max: 1, onnotice: () => {} });
    await redisReady(redis);
    const config = loadConfig({ QUEUE_PREFIX: prefix });
    aggregator = await startAggregator({
      config,
      database,
      redisUrl: TEST_REDIS_URL,
      logger: pino({ level: "silent" }),
      // This test drives the tick minute by minute itself.
      detection: false,
    });
    await countThroughQueue(Array.from({ length: MINUTES }, (_, minute) => reportsAt(minute)).flat());
  });

  /** Sends signals of one service through the real queue and waits until the aggregator counted them. */
  async function countThroughQueue(signals: Signal[]): Promise<void> {
    const service = signals[0]?.service ?? "";
    const batcher = new SignalBatcher(queue, { maxSize: 1000, maxInFlight: 4 });
    await Promise.all(signals.map((signal) => batcher.add(signal)));
    await batcher.close();
    await waitFor(
      async () =>
        (await sql`select coalesce(sum(count), 0)::int as n from counts_minute where service = ${service}`)[0]
          ?.n === signals.length,
      { timeoutMs: 30_000, what: `${service}'s signals counted` },
    );
  }

  /** Per minute from `first`: five reports, then `outage` a minute from `first + 150` on. */
  function traffic(
    service: string,
    region: string,
    first: number,
    minutes: number,
    outage: number,
  ): Signal[] {
    return Array.from({ length: minutes }, (_, offset) => {
      const minute = first + offset;
      return Array.from({ length: offset >= 150 ? outage : 5 }, (_, n) => ({
        id: randomUUID(),
        service,
        region,
        source: "report" as const,
        at: start + minute * MINUTE + n * 500,
        reporter: `${service}-${minute}-${n}`,
      }));
    }).flat();
  }

  afterAll(async () => {
    await aggregator?.close();
    await queue.close();
    redis.disconnect();
    await sql?.end();
    await database?.close();
    await testDatabase?.drop();
    await deleteRedisPrefix(TEST_REDIS_URL, prefix);
  });

  const tickAt = (tick: DetectorTick, minute: number, shard?: DetectorShard) =>
    tick.run(start + (minute + 1) * MINUTE + 15_000, shard);

  it("opens a regional and a global incident dated from the onset, resumes after a restart, and resolves", async () => {
    let tick = new DetectorTick(database.db);
    const events = [];
    for (let minute = 0; minute < OUTAGE_START + 10; minute++)
      events.push(...(await tickAt(tick, minute)).events);

    const opened = await sql`select * from incidents where status = 'open' order by region`;
    // The service as a whole, and GB's reports: series are judged per region and source.
    expect(opened.map((row) => `${row.region}/${row.source}`)).toEqual(["*/all", "GB/report"]);
    for (const row of opened) {
      const onsetError =
        Math.abs(new Date(row.started_at).getTime() - (start + OUTAGE_START * MINUTE)) / MINUTE;
      expect(onsetError).toBeLessThanOrEqual(1);
      const latency = (new Date(row.detected_at).getTime() - (start + OUTAGE_START * MINUTE)) / MINUTE;
      expect(latency).toBeLessThanOrEqual(2);
    }
    const [global, gb] = opened;
    expect(gb?.global_incident_id).toBe(global?.id);
    // The status the API shows was saved with the tick that changed it.
    const [status] = await sql`select status from detector_states where service = 'spotify' and region = '*'`;
    expect(status?.status).toBe("problems");
    expect(events.filter((event) => event.type === "incident.opened")).toHaveLength(2);

    // A restarted aggregator: a fresh tick carries on from the stored states, opening nothing new.
    tick = new DetectorTick(database.db);
    for (let minute = OUTAGE_START + 10; minute < MINUTES; minute++)
      events.push(...(await tickAt(tick, minute)).events);
    const all = await sql`select * from incidents order by region`;
    expect(all).toHaveLength(2);
    expect(all.map((row) => row.status)).toEqual(["resolved", "resolved"]);
    const resolvedAt = new Date(all[1]?.resolved_at).getTime();
    expect(Math.abs(resolvedAt - (start + OUTAGE_END * MINUTE)) / MINUTE).toBeLessThanOrEqual(3);
    expect(all[1]?.peak_count).toBeGreaterThanOrEqual(40);
    // Statuses are saved at least every ten ticks; the outage is long over.
    await tick.flush();
    const [calm] = await sql`select status from detector_states where service = 'spotify' and region = '*'`;
    expect(calm?.status).toBe("ok");
  });

  it("appends incident events and the minute's counts to the live-events stream once committed", async () => {
    // A series of its own, after spotify's hours: discord, quiet, then an outage, ticked with
    // publishing on.
    const first = MINUTES;
    await countThroughQueue(traffic("discord", "US", first, 160, 60));
    const before = await lastLiveEventId(redis, prefix);
    const tick = new DetectorTick(database.db);
    for (let minute = first; minute < first + 160; minute++) {
      await tickAndPublish(
        tick,
        redis,
        prefix,
        pino({ level: "silent" }),
        start + (minute + 1) * MINUTE + 15_000,
      );
    }
    const heard = (await liveEventsAfter(redis, prefix, before, 10_000)).map((entry) => entry.event);
    const opened = heard.filter((event) => event.service === "discord" && event.type === "incident.opened");
    expect(opened.map((event) => event.region).sort()).toEqual(["*", "US"]);
    const [row] = await sql`select id from incidents where service = 'discord' and region = 'US'`;
    expect(opened.find((event) => event.region === "US")?.incidentId).toBe(row?.id);
    // One counts event per minute with discord's whole count, the outage's minutes well above normal.
    const counts = heard.filter((event) => event.type === "counts") as unknown as Array<{
      minute: number;
      services: Array<{ service: string; count: number; expected: number; status: string }>;
    }>;
    expect(counts.length).toBeGreaterThanOrEqual(150);
    const discord = counts.flatMap((event) => event.services.filter((entry) => entry.service === "discord"));
    expect(discord.some((entry) => entry.status === "problems" && entry.count > 3 * entry.expected)).toBe(
      true,
    );
    // The service as a whole announced its status changes, each from the status before it.
    const changes = heard.filter((event) => event.type === "service.status" && event.service === "discord");
    expect(changes.map((event) => event.region)).toEqual(changes.map(() => "*"));
    expect(changes.some((event) => event.status === "problems")).toBe(true);
    for (const [index, change] of changes.entries()) {
      expect(change.previous).toBe(index === 0 ? "ok" : changes[index - 1]?.status);
      expect(change.status).not.toBe(change.previous);
    }
  });

  it("recovers from a tick that failed half-way, recording its incident exactly once", async () => {
    // Steam, after discord's hours: quiet, then an outage whose first tick cannot write incidents.
    const first = MINUTES + 160;
    await countThroughQueue(traffic("steam", "DE", first, 170, 50));
    const tick = new DetectorTick(database.db);
    const until = async (minute: number) => {
      for (let m = first; m <= minute; m++) await tickAt(tick, m);
    };
    await until(first + 149);
    // Postgres now refuses new incidents: the tick that opens one fails after its detectors moved.
    await sql`alter table incidents add constraint refuse_all check (false) not valid`;
    let failed = false;
    for (let m = first + 150; m < first + 155 && !failed; m++)
      failed = await tickAt(tick, m).then(
        () => false,
        () => true,
      );
    await sql`alter table incidents drop constraint refuse_all`;
    expect(failed).toBe(true);
    // The next ticks replay from the stored states: one incident per series, not two, not none.
    for (let m = first + 150; m < first + 170; m++) await tickAt(tick, m);
    const rows = await sql`select region from incidents where service = 'steam' order by region`;
    expect(rows.map((row) => row.region)).toEqual(["*", "DE"]);
  });

  it("opens one incident per series when two aggregators tick the same outage, in turns and at once", async () => {
    // Netflix, after steam's hours. Two replicas' ticks: each minute one of them runs it, or both
    // at the same moment (a scheduler hiccup); the advisory lock and the reload of states another
    // replica saved must make that the same as one aggregator ticking alone.
    const first = MINUTES + 330;
    await countThroughQueue(traffic("netflix", "BR", first, 170, 50));
    const replicas = [new DetectorTick(database.db), new DetectorTick(database.db)] as const;
    const events = [];
    // Twenty-five quiet minutes after the outage's last one: enough for it to resolve.
    for (let minute = first; minute < first + 195; minute++) {
      const turn = minute % 3;
      const ticks = turn === 2 ? replicas : [replicas[turn] as DetectorTick];
      const results = await Promise.all(ticks.map((tick) => tickAt(tick, minute)));
      events.push(...results.flatMap((result) => result.events));
    }
    const netflix = events.filter((event) => event.service === "netflix");
    expect(
      netflix
        .filter((event) => event.type === "incident.opened")
        .map((event) => event.region)
        .sort(),
    ).toEqual(["*", "BR"]);
    const rows = await sql`select region, status from incidents where service = 'netflix' order by region`;
    expect(rows.map((row) => row.region)).toEqual(["*", "BR"]);
    // Each incident is opened and resolved once, whichever replica saw it.
    expect(netflix.filter((event) => event.type === "incident.resolved")).toHaveLength(2);
    expect(rows.map((row) => row.status)).toEqual(["resolved", "resolved"]);
  });

  it("splits the series into shards that replicas tick side by side, handing them over mid-outage", async () => {
    // Twitch and reddit, after netflix's hours, in shards 0 and 1 of 2.
    expect([serviceShard("twitch", 2), serviceShard("reddit", 2)]).toEqual([0, 1]);
    const first = MINUTES + 530;
    await countThroughQueue(traffic("twitch", "FR", first, 170, 50));
    await countThroughQueue(traffic("reddit", "JP", first, 170, 50));
    const replicas = [new DetectorTick(database.db), new DetectorTick(database.db)] as const;
    const shard = (index: number) => ({ index, count: 2 });
    const events = [];
    for (let minute = first; minute < first + 195; minute++) {
      // Mid-outage the replicas swap shards: each must pick up where the other left off.
      const swapped = minute >= first + 160 ? 1 : 0;
      const results = await Promise.all(
        replicas.map((tick, r) => tickAt(tick, minute, shard((r + swapped) % 2))),
      );
      // A shard's tick judges its own services only.
      const judged = results.map((result) => new Set(result.minute.map((entry) => entry.service)));
      expect(judged[swapped]?.has("reddit")).toBe(false);
      expect(judged[1 - swapped]?.has("twitch")).toBe(false);
      events.push(...results.flatMap((result) => result.events));
    }
    for (const [service, region] of [
      ["twitch", "FR"],
      ["reddit", "JP"],
    ] as const) {
      const mine = events.filter((event) => event.service === service);
      const opened = mine.filter((event) => event.type === "incident.opened").map((event) => event.region);
      expect(opened.sort()).toEqual(["*", region]);
      expect(mine.filter((event) => event.type === "incident.resolved")).toHaveLength(2);
      const rows = await sql`select status from incidents where service = ${service}`;
      expect(rows.map((row) => row.status)).toEqual(["resolved", "resolved"]);
    }
  });

  it("never puts back a state another replica has moved past when it saves late", async () => {
    const late = new DetectorTick(database.db);
    const current = new DetectorTick(database.db);
    const last = MINUTES + 530 + 195;
    await tickAt(late, last, { index: 0, count: 2 });
    for (let minute = last + 1; minute <= last + 3; minute++)
      await tickAt(current, minute, { index: 0, count: 2 });
    await current.flush();
    // The late replica shuts down and writes what it had, three minutes old.
    await late.flush();
    const [state] =
      await sql`select last_bucket from detector_states where service = 'twitch' and region = 'FR' and source = 'report'`;
    expect(new Date(state?.last_bucket).getTime()).toBe(start + (last + 3) * MINUTE);
  });

  it("runs a minute once: a repeated tick changes nothing", async () => {
    const tick = new DetectorTick(database.db);
    const before = await sql`select count(*)::int as n, max(updated_at) as at from incidents`;
    const again = await tickAt(tick, MINUTES - 1);
    expect(again.events).toEqual([]);
    expect(await sql`select count(*)::int as n, max(updated_at) as at from incidents`).toEqual(before);
  });
});
