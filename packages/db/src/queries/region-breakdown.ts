import type { SignalSource } from "@outcry/core";
import { and, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { detectorStates, GLOBAL_REGION } from "../schema/index.ts";
import type { StoredDetectorState } from "./detection.ts";
import { executeRows } from "./raw-sql.ts";

/** Signals per region of a service over [from, to), busiest first. */
export async function regionCounts(
  db: Db,
  query: { service: string; from: number; to: number; source?: SignalSource | undefined },
): Promise<Array<{ region: string; count: number }>> {
  const rows = await executeRows<{ region: string; count: number }>(
    db,
    sql`select region, sum(count)::int as count from counts_minute
        where service = ${query.service}
          and bucket >= ${new Date(query.from).toISOString()}::timestamptz
          and bucket < ${new Date(query.to).toISOString()}::timestamptz
          ${query.source === undefined ? sql`` : sql`and source = ${query.source}`}
        group by region order by count desc, region`,
  );
  return rows.map((row) => ({ region: row.region, count: Number(row.count) }));
}

/** The detector's state of each regional series of a service (every region, every source). */
export async function regionalDetectorStates(db: Db, service: string): Promise<StoredDetectorState[]> {
  const rows = await db
    .select()
    .from(detectorStates)
    .where(and(eq(detectorStates.service, service), ne(detectorStates.region, GLOBAL_REGION)));
  return rows.map((row) => ({
    service: row.service,
    region: row.region,
    source: row.source,
    lastBucket: row.lastBucket.getTime(),
    state: row.state,
    status: row.status,
    score: row.score,
  }));
}
