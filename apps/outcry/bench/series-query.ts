// Series query benchmark: GET /v1/services/{slug}/series over a year of generated history, for the
// two budgets in DESIGN.md (24 h at 1 m, p99 <= 10 ms at 100 concurrent clients; a year at 1 h,
// p99 <= 50 ms), against a bare Hono handler answering a canned series of the same size in the same
// run. Clients take gzip, as browsers do. Usage: ./outcry bench:series [--duration 30] [--services 40]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DAY_MS, HOUR_MS, loadSeedCatalog, MINUTE_MS } from "@outcry/core";
import { GLOBAL_REGION, openDatabase, saveDetectorStates, upsertServices } from "@outcry/db";
import { SeriesDetector } from "@outcry/detection";
import autocannon from "autocannon";
import postgres from "postgres";
import { outcryIsUp, startProcess, stopProcess } from "./bench-process.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "30" },
    services: { type: "string", default: "40" },
  },
});
const duration = Number(values.duration);
const serviceCount = Number(values.services);
const root = new URL("../../..", import.meta.url).pathname;
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

// Six regions and both sources per service: twelve rows per service and bucket.
const REGIONS = ["US", "GB", "DE", "FR", "BR", "JP"];
const MINUTE_DAYS = 3;

function log(message: string) {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

/** A year of hourly counts and three days of minute counts for each service, in Postgres itself. */
async function generateHistory(sql: postgres.Sql, slugs: string[], now: number) {
  const hourEnd = new Date(Math.floor(now / HOUR_MS) * HOUR_MS);
  const minuteEnd = new Date(Math.floor(now / MINUTE_MS) * MINUTE_MS);
  for (const [index, slug] of slugs.entries()) {
    // Counts with a daily rhythm and noise, like a quiet service's.
    await sql`
      insert into counts_hour (service, bucket, region, source, count)
      select ${slug}, bucket, region, source::signal_source,
             (5 + 4 * sin(extract(epoch from bucket) / 13751) + random() * 6)::int * 60
      from generate_series(${new Date(hourEnd.getTime() - 365 * DAY_MS)}::timestamptz, ${hourEnd}::timestamptz - interval '1 hour', interval '1 hour') as bucket,
           unnest(${REGIONS}::text[]) as region,
           unnest(array['report', 'bluesky']) as source`;
    await sql`
      insert into counts_minute (service, bucket, region, source, count)
      select ${slug}, bucket, region, source::signal_source, (random() * 10)::int
      from generate_series(${new Date(minuteEnd.getTime() - MINUTE_DAYS * DAY_MS)}::timestamptz, ${minuteEnd}::timestamptz - interval '1 minute', interval '1 minute') as bucket,
           unnest(${REGIONS}::text[]) as region,
           unnest(array['report', 'bluesky']) as source`;
    if ((index + 1) % 10 === 0) log(`history: ${index + 1}/${slugs.length} services`);
  }
  // The per-service totals the aggregator writes beside the counts.
  await sql`insert into service_counts_hour select service, bucket, source, sum(count)::int from counts_hour group by 1, 2, 3`;
  await sql`insert into service_counts_minute select service, bucket, source, sum(count)::int from counts_minute group by 1, 2, 3`;
  await sql`analyze`;
  const [rows] =
    await sql`select (select count(*) from counts_hour)::int as hours, (select count(*) from counts_minute)::int as minutes`;
  return { hourRows: rows?.hours as number, minuteRows: rows?.minutes as number };
}

/**
 * Closed loop (each connection sends as soon as it has its answer) or at a fixed overall rate,
 * taking gzip as every browser does; `identity` asks for the plain answer.
 */
function load(url: string, connections: number, overallRate?: number, encoding = "gzip") {
  return autocannon({
    url,
    connections,
    duration,
    headers: { "accept-encoding": encoding },
    ...(overallRate ? { overallRate } : {}),
  });
}
type Result = Awaited<ReturnType<typeof load>>;

const row = (label: string, result: Result) => ({
  target: label,
  "req/s": Math.round(result["2xx"] / duration),
  "p50 ms": result.latency.p50,
  "p99 ms": result.latency.p99,
  "max ms": result.latency.max,
  "non-2xx": result.non2xx,
  errors: result.errors + result.timeouts,
});

const name = `outcry_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const databaseUrl = new URL(adminUrl);
databaseUrl.pathname = `/${name}`;
const dataDir = mkdtempSync(join(tmpdir(), "outcry-bench-"));
const sql = postgres(databaseUrl.toString(), { max: 1, onnotice: () => {} });
const processes: Array<Awaited<ReturnType<typeof startProcess>>> = [];
try {
  log(`series benchmark: ${duration} s per target, ${cpus().length} cores (${cpus()[0]?.model})`);
  const database = await openDatabase({ url: databaseUrl.toString(), dataDir });
  await database.migrate();
  const catalog = loadSeedCatalog();
  await upsertServices(database.db, catalog);
  const slugs = catalog.slice(0, serviceCount).map((service) => service.slug);
  const target = slugs.includes("spotify") ? "spotify" : (slugs[0] as string);
  const now = Date.now();
  const started = performance.now();
  const history = await generateHistory(sql, slugs, now);
  log(
    `history: ${history.hourRows.toLocaleString("en")} hour rows, ${history.minuteRows.toLocaleString("en")} minute rows in ${Math.round((performance.now() - started) / 1000)} s`,
  );
  // The detector state of the global series, so the 24-hour answer carries its band.
  const detector = new SeriesDetector({ bucketMs: MINUTE_MS });
  const learnFrom = Math.floor(now / MINUTE_MS) * MINUTE_MS - 3 * DAY_MS;
  for (let minute = 0; minute < 3 * 1440; minute++)
    detector.push({ t: learnFrom + minute * MINUTE_MS, count: 50 + (minute % 7) });
  await saveDetectorStates(database.db, [
    {
      service: target,
      region: GLOBAL_REGION,
      source: "all",
      lastBucket: learnFrom + 3 * DAY_MS,
      state: detector.snapshot(),
      status: "ok",
      score: 0,
    },
  ]);
  await database.close();

  const bare = await startProcess(
    [join(root, "apps/outcry/bench/bare-hono.ts")],
    {},
    (line) => line.msg === "listening",
  );
  processes.push(bare);
  const apiEnv = {
    DATABASE_URL: databaseUrl.toString(),
    DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "info",
    LOG_REQUESTS: "false",
    REPORTER_KEY_SECRET: "bench-secret-bench-secret",
  };
  const main = join(root, "apps/outcry/src/main.ts");
  const api = await startProcess([main, "start", "--role", "api"], apiEnv, outcryIsUp);
  processes.push(api);
  // The same api without its response cache: what one query costs, Postgres included.
  // A data folder of its own: each runs the quickstart's redis-server, one per folder.
  const uncached = await startProcess(
    [main, "start", "--role", "api"],
    { ...apiEnv, DATA_DIR: join(dataDir, "uncached"), RESPONSE_CACHE_MS: "0" },
    outcryIsUp,
  );
  processes.push(uncached);
  const path = `/v1/services/${target}/series`;
  const bareUrl = `http://127.0.0.1:${bare.line.port}${path}`;
  const dayQuery = "?step=1m";
  const hourNow = Math.floor(now / HOUR_MS) * HOUR_MS;
  const yearQuery = `?step=1h&from=${new Date(hourNow - 365 * DAY_MS).toISOString()}&to=${new Date(hourNow).toISOString()}`;
  type SeriesAnswer = { points: Array<{ count: number; expected: number | null }> };
  const check = (await (await fetch(`${api.line.api}${path}${dayQuery}`)).json()) as SeriesAnswer;
  const yearCheck = (await (await fetch(`${api.line.api}${path}${yearQuery}`)).json()) as SeriesAnswer;
  const yearPoints = yearCheck.points.length;
  log(
    `24 h answer: ${check.points.length} points, band ${check.points.at(-2)?.expected ?? "none"}; ` +
      `1 y answer: ${yearPoints} points, ${yearCheck.points.reduce((sum, point) => sum + point.count, 0).toLocaleString("en")} signals`,
  );

  const runs: Array<[string, () => ReturnType<typeof load>]> = [
    ["bare Hono, 1,440 canned points, 100 conn, closed loop", () => load(`${bareUrl}?points=1440`, 100)],
    ["outcry 24 h at 1 m, 100 conn, closed loop", () => load(`${api.line.api}${path}${dayQuery}`, 100)],
    [
      "bare Hono, 1,440 canned points, 100 conn at 1,000 req/s",
      () => load(`${bareUrl}?points=1440`, 100, 1_000),
    ],
    [
      "outcry 24 h at 1 m, 100 conn at 1,000 req/s",
      () => load(`${api.line.api}${path}${dayQuery}`, 100, 1_000),
    ],
    // A hundred readers each refreshing once a second: the clients of the budget, not a flood.
    ["bare Hono, 1,440 canned points, 100 conn at 100 req/s", () => load(`${bareUrl}?points=1440`, 100, 100)],
    ["outcry 24 h at 1 m, 100 conn at 100 req/s", () => load(`${api.line.api}${path}${dayQuery}`, 100, 100)],
    [
      "outcry 24 h at 1 m, not compressed, 100 conn at 100 req/s",
      () => load(`${api.line.api}${path}${dayQuery}`, 100, 100, "identity"),
    ],
    [
      "outcry 24 h at 1 m, uncached, 100 conn at 100 req/s",
      () => load(`${uncached.line.api}${path}${dayQuery}`, 100, 100),
    ],
    ["outcry 24 h at 1 m, uncached, 1 conn", () => load(`${uncached.line.api}${path}${dayQuery}`, 1)],
    [
      `bare Hono, ${yearPoints} canned points, 10 conn, closed loop`,
      () => load(`${bareUrl}?points=${yearPoints}`, 10),
    ],
    ["outcry 1 y at 1 h, 10 conn, closed loop", () => load(`${api.line.api}${path}${yearQuery}`, 10)],
    ["outcry 1 y at 1 h, uncached, 1 conn", () => load(`${uncached.line.api}${path}${yearQuery}`, 1)],
  ];
  const results: Array<[string, Awaited<ReturnType<typeof load>>]> = [];
  for (const [label, run] of runs) {
    log(label);
    results.push([label, await run()]);
  }
  console.log(
    `series benchmark: ${duration} s per target; ${serviceCount} services with a year of hourly and ${MINUTE_DAYS} days of minute counts (${history.hourRows.toLocaleString("en")} + ${history.minuteRows.toLocaleString("en")} rows); ${cpus().length} cores (${cpus()[0]?.model})`,
  );
  console.table(results.map(([label, result]) => row(label, result)));
  const p99 = (label: string) => results.find(([name]) => name === label)?.[1].latency.p99 ?? Number.NaN;
  // The budget's 100 concurrent clients: 100 connections, each sending its next request when the
  // last is answered. Also printed: the same 100 firing together once a second, the harsher burst.
  const day = p99("outcry 24 h at 1 m, 100 conn, closed loop");
  const burst = p99("outcry 24 h at 1 m, 100 conn at 100 req/s");
  const bareBurst = p99("bare Hono, 1,440 canned points, 100 conn at 100 req/s");
  const year = p99("outcry 1 y at 1 h, uncached, 1 conn");
  console.log(
    `budgets: 24 h at 1 m, 100 concurrent clients: p99 ${day} ms (<= 10 ms: ${day <= 10 ? "met" : "NOT met"}); ` +
      `all 100 at once each second: p99 ${burst} ms (bare Hono ${bareBurst} ms); ` +
      `1 y at 1 h, uncached: p99 ${year} ms (<= 50 ms: ${year <= 50 ? "met" : "NOT met"})`,
  );
} finally {
  for (const started of processes.reverse()) await stopProcess(started.proc);
  await sql.end();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
  rmSync(dataDir, { recursive: true, force: true });
}
