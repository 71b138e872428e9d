import { lt } from "drizzle-orm";
import type { Db } from "../database.ts";
import { appliedBatches } from "../schema/index.ts";

/**
 * How long a batch id is remembered. A batch is redelivered within seconds (a worker died) or when
 * Redis returns from an outage; a week covers both with room to spare, and keeps the table small.
 */
export const APPLIED_BATCH_RETENTION_MS = 7 * 24 * 3_600_000;

/** Forgets batch ids older than the retention; returns how many were removed. */
export async function pruneAppliedBatches(db: Db, now = Date.now()): Promise<number> {
  const removed = await db
    .delete(appliedBatches)
    .where(lt(appliedBatches.appliedAt, new Date(now - APPLIED_BATCH_RETENTION_MS)))
    .returning({ id: appliedBatches.id });
  return removed.length;
}
