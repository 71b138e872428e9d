import { hourBucket, minuteBucket, type Signal, type SignalSource } from "@outcry/core";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import {
  appliedBatches,
  countsHour,
  countsMinute,
  posts,
  reports,
  serviceCountsHour,
  serviceCountsMinute,
} from "../schema/index.ts";
import { arrayParam, executeRows } from "./raw-sql.ts";

export interface SignalBatch {
  id: string;
  signals: Signal[];
}

type CountRow = { service: string; bucket: number; region: string; source: SignalSource; count: number };

/**
 * Applies a batch of signals to the counts, recording the batch id in the same statement, so a
 * batch delivered twice is counted once. Returns whether this call applied it.
 *
 * Posts are idempotent on their own too: a bluesky signal is counted only when its post's row is
 * new, so the same post collected twice (a Jetstream replay, the search poller filling a gap) in
 * different batches still counts once.
 *
 * One statement does it all, so it is one transaction and one round trip: the batch id is claimed
 * first, and every other insert reads the claim and writes nothing when the id was already there
 * (a concurrent delivery of the same batch waits on the id's row lock, then finds it taken).
 * Rows travel as one array per column and come back out with unnest: the statement text is the
 * same for every batch size and binds a fixed number of parameters. Enums travel as text, since
 * drivers cannot serialise an array of a type they do not know.
 */
export async function applySignalBatch(db: Db, batch: SignalBatch): Promise<{ applied: boolean }> {
  const reportSignals = batch.signals.filter((signal) => signal.source === "report");
  const postSignals = batch.signals.filter((signal) => signal.post !== undefined);
  const minutes = tally(reportSignals, minuteBucket);
  const hours = tally(reportSignals, hourBucket);
  const minuteTotals = totals(minutes);
  const hourTotals = totals(hours);
  const applied = await executeRows<{ id: string }>(
    db,
    sql`
      with claim as (
        insert into ${appliedBatches} (id, signals) values (${batch.id}, ${batch.signals.length})
        on conflict (id) do nothing
        returning id
      ),
      new_reports as (
        insert into ${reports} (id, service, problem, region, subdivision, city, comment, reporter_key, reported_at)
        select id, service, problem, region, subdivision, city, comment, reporter_key, to_timestamp(at_ms / 1000.0)
        from unnest(
          ${arrayParam(reportSignals.map((signal) => signal.id))}::uuid[],
          ${arrayParam(reportSignals.map((signal) => signal.service))}::text[],
          ${arrayParam(reportSignals.map((signal) => signal.problem ?? "other"))}::text[],
          ${arrayParam(reportSignals.map((signal) => signal.region))}::text[],
          ${arrayParam(reportSignals.map((signal) => signal.subdivision ?? null))}::text[],
          ${arrayParam(reportSignals.map((signal) => signal.city ?? null))}::text[],
          ${arrayParam(reportSignals.map((signal) => signal.text ?? null))}::text[],
          ${arrayParam(reportSignals.map((signal) => signal.reporter ?? ""))}::text[],
          ${arrayParam(reportSignals.map((signal) => signal.at))}::float8[]
        ) as t(id, service, problem, region, subdivision, city, comment, reporter_key, at_ms)
        where exists (select from claim)
        on conflict (id) do nothing
      ),
      new_posts as (
        insert into ${posts} (uri, service, region, problem, posted_at, text, lang, score)
        select uri, service, region, problem, to_timestamp(at_ms / 1000.0), text, lang, score
        from unnest(
          ${arrayParam(postSignals.map((signal) => signal.post?.uri))}::text[],
          ${arrayParam(postSignals.map((signal) => signal.service))}::text[],
          ${arrayParam(postSignals.map((signal) => signal.region))}::text[],
          ${arrayParam(postSignals.map((signal) => signal.problem ?? null))}::text[],
          ${arrayParam(postSignals.map((signal) => signal.at))}::float8[],
          ${arrayParam(postSignals.map((signal) => signal.text ?? ""))}::text[],
          ${arrayParam(postSignals.map((signal) => signal.post?.lang))}::text[],
          ${arrayParam(postSignals.map((signal) => signal.post?.score))}::float4[]
        ) as t(uri, service, region, problem, at_ms, text, lang, score)
        where exists (select from claim)
        on conflict (uri) do nothing
        returning service, region, posted_at
      ),
      minute_counts as (${addCounts(countsMinute, minutes)}),
      hour_counts as (${addCounts(countsHour, hours)}),
      post_minute_counts as (${addPostCounts(countsMinute, "1 minute")}),
      post_hour_counts as (${addPostCounts(countsHour, "1 hour")}),
      minute_totals as (${addTotals(serviceCountsMinute, minuteTotals)}),
      hour_totals as (${addTotals(serviceCountsHour, hourTotals)}),
      post_minute_totals as (${addPostTotals(serviceCountsMinute, "1 minute")}),
      post_hour_totals as (${addPostTotals(serviceCountsHour, "1 hour")})
      select id from claim`,
  );
  return { applied: applied.length > 0 };
}

function addCounts(table: typeof countsMinute | typeof countsHour, rows: CountRow[]): SQL {
  return sql`
    insert into ${table} (service, bucket, region, source, count)
    select service, to_timestamp(bucket_ms / 1000.0), region, source::signal_source, count
    from unnest(
      ${arrayParam(rows.map((row) => row.service))}::text[],
      ${arrayParam(rows.map((row) => row.bucket))}::float8[],
      ${arrayParam(rows.map((row) => row.region))}::text[],
      ${arrayParam(rows.map((row) => row.source))}::text[],
      ${arrayParam(rows.map((row) => row.count))}::int[]
    ) as t(service, bucket_ms, region, source, count)
    where exists (select from claim)
    on conflict (service, bucket, region, source) do update set count = ${table}.count + excluded.count`;
}

// Counts only the posts new_posts inserted. date_bin against the epoch is UTC whatever the
// session's time zone (date_trunc('hour') would follow it: India is +05:30).
function addPostCounts(table: typeof countsMinute | typeof countsHour, width: "1 minute" | "1 hour"): SQL {
  return sql`
    insert into ${table} (service, bucket, region, source, count)
    select service, date_bin(${width}::interval, posted_at, timestamptz 'epoch') as bucket, region,
      'bluesky'::signal_source, count(*)::int
    from new_posts
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (service, bucket, region, source) do update set count = ${table}.count + excluded.count`;
}

type TotalRow = Omit<CountRow, "region">;

function addTotals(table: typeof serviceCountsMinute | typeof serviceCountsHour, rows: TotalRow[]): SQL {
  return sql`
    insert into ${table} (service, bucket, source, count)
    select service, to_timestamp(bucket_ms / 1000.0), source::signal_source, count
    from unnest(
      ${arrayParam(rows.map((row) => row.service))}::text[],
      ${arrayParam(rows.map((row) => row.bucket))}::float8[],
      ${arrayParam(rows.map((row) => row.source))}::text[],
      ${arrayParam(rows.map((row) => row.count))}::int[]
    ) as t(service, bucket_ms, source, count)
    where exists (select from claim)
    on conflict (service, bucket, source) do update set count = ${table}.count + excluded.count`;
}

function addPostTotals(
  table: typeof serviceCountsMinute | typeof serviceCountsHour,
  width: "1 minute" | "1 hour",
): SQL {
  return sql`
    insert into ${table} (service, bucket, source, count)
    select service, date_bin(${width}::interval, posted_at, timestamptz 'epoch') as bucket,
      'bluesky'::signal_source, count(*)::int
    from new_posts
    group by 1, 2
    order by 1, 2
    on conflict (service, bucket, source) do update set count = ${table}.count + excluded.count`;
}

/** Count rows summed over regions, in the same lock order as the rows they come from. */
function totals(rows: CountRow[]): TotalRow[] {
  const summed = new Map<string, TotalRow>();
  for (const row of rows) {
    const key = `${row.service}\u0000${row.bucket}\u0000${row.source}`;
    const total = summed.get(key);
    if (total) total.count += row.count;
    else summed.set(key, { service: row.service, bucket: row.bucket, source: row.source, count: row.count });
  }
  return [...summed.values()].sort(
    (a, b) => compare(a.service, b.service) || a.bucket - b.bucket || compare(a.source, b.source),
  );
}

/**
 * Sums signals per (service, bucket, region, source), sorted by that key: concurrent transactions
 * then lock the same count rows in the same order and cannot deadlock.
 */
function tally(signals: Signal[], bucketOf: (at: number) => number): CountRow[] {
  const rows = new Map<string, CountRow>();
  for (const signal of signals) {
    const bucket = bucketOf(signal.at);
    const key = `${signal.service}\u0000${bucket}\u0000${signal.region}\u0000${signal.source}`;
    const row = rows.get(key);
    if (row) row.count += 1;
    else
      rows.set(key, {
        service: signal.service,
        bucket,
        region: signal.region,
        source: signal.source,
        count: 1,
      });
  }
  return [...rows.values()].sort(
    (a, b) =>
      compare(a.service, b.service) ||
      a.bucket - b.bucket ||
      compare(a.region, b.region) ||
      compare(a.source, b.source),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
