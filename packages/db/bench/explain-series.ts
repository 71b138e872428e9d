// Partition pruning, shown: a week of minute counts in day partitions, then EXPLAIN ANALYZE of the
// series query (GET /v1/services/{slug}/series, 24 h at 1 m) the way the api sends it, with bound
// parameters. Prints the plans for docs/postgres.md. Usage: node packages/db/bench/explain-series.ts
// [--services 40]. Needs the local Postgres (BENCH_DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres); it creates a database of its own and drops it.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import postgres from "postgres";
import { maintainMinutePartitions, openDatabase } from "../src/index.ts";

const { values } = parseArgs({ options: { services: { type: "string", default: "40" } } });
const serviceCount = Number(values.services);
const adminUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Days of counts: the migration's day and the week after, as an aggregator would have partitioned them. */
const DAYS = 8;
const REGIONS = ["US", "GB", "DE", "FR", "BR", "JP"];

const name = `outcry_explain_${randomBytes(4).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}"`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
try {
  const database = await openDatabase({ url: url.toString(), dataDir: "unused" });
  await database.migrate();
  const today = Math.floor(Date.now() / DAY) * DAY;
  // The partitions the hourly maintenance would have created over the week after the upgrade.
  for (let day = 0; day < DAYS; day += 1) {
    await maintainMinutePartitions(database.db, { now: today + day * DAY, daysAhead: 0 });
  }
  await maintainMinutePartitions(database.db, { now: today + (DAYS - 1) * DAY });
  await database.close();

  const services = Array.from({ length: serviceCount }, (_, index) => `service-${index}`);
  await sql`
    insert into counts_minute (service, bucket, region, source, count)
    select service, bucket, region, source::signal_source, 1 + (random() * 9)::int
    from unnest(${services}::text[]) as service,
         generate_series(${new Date(today)}::timestamptz, ${new Date(today + DAYS * DAY)}::timestamptz - interval '1 minute', interval '1 minute') as bucket,
         unnest(${REGIONS}::text[]) as region,
         unnest(array['report', 'bluesky']) as source`;
  await sql`insert into service_counts_minute select service, bucket, source, sum(count)::int from counts_minute group by 1, 2, 3`;
  await sql`analyze`;
  const [size] = await sql`select count(*)::int as rows from counts_minute`;
  const partitions = await sql`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'service_counts_minute'::regclass order by 1`;
  process.stdout.write(
    `${size?.rows.toLocaleString("en")} rows in counts_minute; service_counts_minute partitions: ${partitions.map((p) => p.name).join(", ")}\n`,
  );

  // The statement seriesForService sends for a whole service (every region), parameters bound.
  const to = today + (DAYS - 1) * DAY + 12 * HOUR;
  const series = `select (extract(epoch from bucket) * 1000)::float8 as t, sum(count)::int as count
        from service_counts_minute where service = $1 and bucket >= $2::timestamptz and bucket < $3::timestamptz group by bucket`;
  const explain = async (title: string, text: string, params: string[]) => {
    const plan = await sql.unsafe(`explain (analyze, costs off, timing off, summary off) ${text}`, params);
    process.stdout.write(`\n-- ${title}\n${plan.map((row) => row["QUERY PLAN"]).join("\n")}\n`);
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  await explain(`24 h ending ${iso(to)} (crosses midnight)`, series, ["service-7", iso(to - DAY), iso(to)]);
  await explain(`24 h of one UTC day, ${iso(to - 12 * HOUR)}`, series, [
    "service-7",
    iso(to - 12 * HOUR),
    iso(to + 12 * HOUR),
  ]);
  // One region: counts_minute, the same shape with a region condition.
  await explain(
    "24 h of one region",
    `select (extract(epoch from bucket) * 1000)::float8 as t, sum(count)::int as count
        from counts_minute where service = $1 and bucket >= $2::timestamptz and bucket < $3::timestamptz and region = $4
        group by bucket`,
    ["service-7", iso(to - DAY), iso(to), "GB"],
  );
} finally {
  await sql.end();
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
