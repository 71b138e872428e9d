import { hourBucket, minuteBucket, type Signal, type SignalSource } from "@outcry/core";
import { sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { appliedBatches, countsHour, countsMinute, reports } from "../schema/index.ts";

export interface SignalBatch {
  id: string;
  signals: Signal[];
}

type CountRow = { service: string; bucket: Date; region: string; source: SignalSource; count: number };

/**
 * Applies a batch of signals to the counts in one transaction that also records the batch id, so
 * a batch delivered twice is counted once. Returns whether this call applied it.
 */
export async function applySignalBatch(db: Db, batch: SignalBatch): Promise<{ applied: boolean }> {
  return db.transaction(async (tx) => {
    const recorded = await tx
      .insert(appliedBatches)
      .values({ id: batch.id, signals: batch.signals.length })
      .onConflictDoNothing()
      .returning({ id: appliedBatches.id });
    if (recorded.length === 0) return { applied: false };

    const reportRows = batch.signals.filter((signal) => signal.source === "report").map(toReportRow);
    if (reportRows.length > 0) await tx.insert(reports).values(reportRows).onConflictDoNothing();

    const minuteRows = tally(batch.signals, minuteBucket);
    if (minuteRows.length > 0) {
      await tx
        .insert(countsMinute)
        .values(minuteRows)
        .onConflictDoUpdate({
          target: [countsMinute.service, countsMinute.bucket, countsMinute.region, countsMinute.source],
          set: { count: sql`${countsMinute.count} + excluded.count` },
        });
      await tx
        .insert(countsHour)
        .values(tally(batch.signals, hourBucket))
        .onConflictDoUpdate({
          target: [countsHour.service, countsHour.bucket, countsHour.region, countsHour.source],
          set: { count: sql`${countsHour.count} + excluded.count` },
        });
    }
    return { applied: true };
  });
}

function toReportRow(signal: Signal) {
  return {
    id: signal.id,
    service: signal.service,
    problem: signal.problem ?? "other",
    region: signal.region,
    subdivision: signal.subdivision ?? null,
    city: signal.city ?? null,
    comment: signal.text ?? null,
    reporterKey: signal.reporter ?? "",
    reportedAt: new Date(signal.at),
  };
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
        bucket: new Date(bucket),
        region: signal.region,
        source: signal.source,
        count: 1,
      });
  }
  return [...rows.values()].sort(
    (a, b) =>
      compare(a.service, b.service) ||
      a.bucket.getTime() - b.bucket.getTime() ||
      compare(a.region, b.region) ||
      compare(a.source, b.source),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
