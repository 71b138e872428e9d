import { HOUR_MS, type SignalSource } from "@outcry/core";
import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { countsHour, countsMinute, serviceCountsHour, serviceCountsMinute } from "../schema/index.ts";

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
    eq(table.service, query.service),
    gte(table.bucket, new Date(query.from)),
    lt(table.bucket, new Date(query.to)),
  ];
  if (query.region !== undefined && "region" in table) conditions.push(eq(table.region, query.region));
  if (query.source !== undefined) conditions.push(eq(table.source, query.source));

  // Grouped by the table's own bucket and binned to the step here: date_bin on every row cost
  // Postgres twice the time of the aggregation itself.
  const rows = await db
    .select({
      t: sql<number>`(extract(epoch from ${table.bucket}) * 1000)::float8`.mapWith(Number),
      count: sql<number>`sum(${table.count})::int`.mapWith(Number),
    })
    .from(table)
    .where(and(...conditions))
    .groupBy(table.bucket);

  const points: SeriesPoint[] = [];
  for (let t = query.from; t < query.to; t += query.stepMs) points.push({ t, count: 0 });
  for (const row of rows) {
    // Buckets are epoch-aligned and `from` is aligned to the step, so this is the bucket's step.
    const point = points[Math.floor((row.t - query.from) / query.stepMs)];
    if (point) point.count += row.count;
  }
  return points;
}
