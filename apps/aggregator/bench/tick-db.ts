// The detector tick as the aggregator runs it, over about 10,000 active series (every catalog
// service in 41 regions, plus their global series), against a fresh Postgres database: reading
// the minute's counts, pushing every detector, writing states every ten ticks.
// Usage: pnpm bench:tick-db [--ticks 30]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { loadSeedCatalog } from "@outcry/core";
import { openDatabase } from "@outcry/db";
import postgres from "postgres";
import { DetectorTick } from "../src/detector-tick.ts";

const { values } = parseArgs({ options: { ticks: { type: "string", default: "30" } } });
const ticks = Number(values.ticks);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const MINUTE = 60_000;
const start = Date.parse("2025-04-14T00:00:00Z");
const warmup = 70;
const name = `outcry_bench_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const database = await openDatabase({ url: url.toString(), dataDir: "unused" });
try {
  await database.migrate();
  const services = loadSeedCatalog().map((service) => service.slug);
  const regions = [
    "US",
    "GB",
    "DE",
    "FR",
    "ES",
    "IT",
    "NL",
    "BR",
    "MX",
    "CA",
    "AU",
    "JP",
    "IN",
    "PL",
    "SE",
    "NO",
    "DK",
    "FI",
    "IE",
    "PT",
    "BE",
    "AT",
    "CH",
    "AR",
    "CL",
    "CO",
    "PE",
    "ZA",
    "NG",
    "EG",
    "TR",
    "SA",
    "AE",
    "KR",
    "ID",
    "PH",
    "TH",
    "VN",
    "MY",
    "SG",
    "NZ",
  ];
  const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
  // Counts for every series and minute: a few reports a minute, sparse in small regions.
  await sql`
    insert into counts_minute (service, bucket, region, source, count)
    select s, to_timestamp(${start / 1000} + m * 60), r, 'report', 1 + floor(random() * 6)::int
    from unnest(${services}::text[]) as s, unnest(${regions}::text[]) as r, generate_series(0, ${warmup + ticks}) as m`;
  await sql.end();
  const series = services.length * (regions.length + 1);
  const tick = new DetectorTick(database.db);
  const durations: number[] = [];
  for (let minute = 0; minute < warmup + ticks; minute++) {
    const started = performance.now();
    await tick.run(start + (minute + 1) * MINUTE + 15_000);
    if (minute >= warmup) durations.push(performance.now() - started);
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) =>
    (durations[Math.min(durations.length - 1, Math.floor(q * durations.length))] as number).toFixed(0);
  console.log(`detector tick with Postgres: ${series} series, ${ticks} ticks after ${warmup} of warm-up`);
  console.table([
    { series, "median ms": at(0.5), "p95 ms": at(0.95), "max ms (a state-saving tick)": at(1) },
  ]);
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
