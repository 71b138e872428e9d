import { HOUR_MS, type SignalSource } from "@outcry/core";
import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { countsHour, countsMinute } from "../schema/index.ts";

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
 * nothing was counted). Steps of an hour or more read the hour rollup.
 */
export async function seriesForService(db: Db, query: SeriesQuery): Promise<SeriesPoint[]> {
  const table = query.stepMs >= HOUR_MS ? countsHour : countsMinute;
  const conditions: SQL[] = [
    eq(table.service, query.service),
    gte(table.bucket, new Date(query.from)),
    lt(table.bucket, new Date(query.to)),
  ];
  if (query.region !== undefined) conditions.push(eq(table.region, query.region));
  if (query.source !== undefined) conditions.push(eq(table.source, query.source));

  // date_bin aligns buckets to the epoch, as alignDown does in JavaScript.
  const binned = sql`date_bin(make_interval(secs => ${query.stepMs / 1000}), ${table.bucket}, timestamptz '1970-01-01T00:00:00Z')`;
  const rows = await db
    .select({
      t: sql<number>`(extract(epoch from ${binned}) * 1000)::float8`.mapWith(Number),
      count: sql<number>`sum(${table.count})::int`.mapWith(Number),
    })
    .from(table)
    .where(and(...conditions))
    // By position: the select's bind parameters would not match a repeated expression's.
    .groupBy(sql`1`);

  const counts = new Map(rows.map((row) => [row.t, row.count]));
  const points: SeriesPoint[] = [];
  for (let t = query.from; t < query.to; t += query.stepMs) {
    points.push({ t, count: counts.get(t) ?? 0 });
  }
  return points;
}
