import { HOUR_MS, type SignalSource } from "@outcry/core";
import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { countsHour, countsMinute, serviceCountsHour, serviceCountsMinute } from "../schema/index.ts";
import { executeRows } from "./raw-sql.ts";

export interface SeriesQuery {
  service: string;
  /** Inclusive start, epoch ms, aligned to stepMs. */
  from: number;
  /** Exclusive end, epoch ms, aligned to stepMs. */
  to: number;
  stepMs: number;
  /** One region, or every region summed when absent. */
  region?: string | undefined;
  /** One source, or every source summed when absent. */
  source?: SignalSource | undefined;
}

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  count: number;
}

/**
 * Counts of one service over [from, to) in buckets of stepMs, every bucket present (zero when
 * nothing was counted). Steps of an hour or more read the hour rollup; every region summed reads
 * the per-service totals.
 */
export async function seriesForService(db: Db, query: SeriesQuery): Promise<SeriesPoint[]> {
  const hourly = query.stepMs >= HOUR_MS;
  // Every region: the per-service totals, one row per bucket and source.
  const table =
    query.region === undefined
      ? hourly
        ? serviceCountsHour
        : serviceCountsMinute
      : hourly
        ? countsHour
        : countsMinute;
  const conditions: SQL[] = [
    sql`service = ${query.service}`,
    sql`bucket >= ${new Date(query.from).toISOString()}::timestamptz`,
    sql`bucket < ${new Date(query.to).toISOString()}::timestamptz`,
  ];
  if (query.region !== undefined && "region" in table) conditions.push(sql`region = ${query.region}`);
  if (query.source !== undefined) conditions.push(sql`source = ${query.source}::signal_source`);

  // Grouped by the table's own bucket and binned to the step here: date_bin on every row cost
  // Postgres twice the time of the aggregation itself. Raw rows, as epoch numbers: mapping 8,760
  // rows of a year through the query builder cost as much as the query.
  const rows = await executeRows<{ t: number; count: number }>(
    db,
    sql`select (extract(epoch from bucket) * 1000)::float8 as t, sum(count)::int as count
        from ${table} where ${sql.join(conditions, sql` and `)} group by bucket`,
  );
  const points: SeriesPoint[] = [];
  for (let t = query.from; t < query.to; t += query.stepMs) points.push({ t, count: 0 });
  for (const row of rows) {
    // Buckets are epoch-aligned and `from` is aligned to the step, so this is the bucket's step.
    const point = points[Math.floor((row.t - query.from) / query.stepMs)];
    if (point) point.count += row.count;
  }
  return points;
}
