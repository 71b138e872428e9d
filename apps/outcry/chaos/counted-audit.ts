import { waitFor } from "@outcry/testing";
import type postgres from "postgres";

/** Reports as Postgres has them: raw rows and the four count tables that must agree with them. */
export interface CountTotals {
  reports: number;
  distinctReports: number;
  minute: number;
  hour: number;
  serviceMinute: number;
  serviceHour: number;
}

export async function countTotals(sql: postgres.Sql): Promise<CountTotals> {
  const [row] = await sql`
    select (select count(*)::int from reports) as reports,
           (select count(distinct id)::int from reports) as distinct_reports,
           (select coalesce(sum(count), 0)::int from counts_minute where source = 'report') as minute,
           (select coalesce(sum(count), 0)::int from counts_hour where source = 'report') as hour,
           (select coalesce(sum(count), 0)::int from service_counts_minute where source = 'report')
             as service_minute,
           (select coalesce(sum(count), 0)::int from service_counts_hour where source = 'report')
             as service_hour`;
  return {
    reports: row?.reports,
    distinctReports: row?.distinct_reports,
    minute: row?.minute,
    hour: row?.hour,
    serviceMinute: row?.service_minute,
    serviceHour: row?.service_hour,
  };
}

/** Whether every count table sums to exactly the stored reports. */
export function countsAgree(totals: CountTotals): boolean {
  const { reports, distinctReports, minute, hour, serviceMinute, serviceHour } = totals;
  return [distinctReports, minute, hour, serviceMinute, serviceHour].every((sum) => sum === reports);
}

/**
 * Reports counted more than once: a batch applied twice adds its counts again (its report rows
 * are refused by their primary key), so any count table summing above the stored reports is one.
 */
export function duplicatesIn(totals: CountTotals): number {
  const { reports, distinctReports, minute, hour, serviceMinute, serviceHour } = totals;
  return (
    Math.max(0, minute - reports, hour - reports, serviceMinute - reports, serviceHour - reports) +
    (reports - distinctReports)
  );
}

export interface CountAudit {
  totals: CountTotals;
  /** Reports answered 202 with counted: true. */
  acknowledged: number;
  /** Of those, the ids not in Postgres: lost. */
  missing: string[];
  /**
   * Stored reports nobody was told were counted: a 503 or a dropped connection after the report
   * was queued (the api cannot know the batch was kept when Redis dies before it replies).
   */
  unacknowledged: number;
  duplicates: number;
}

/** Checks the acknowledged report ids against Postgres. Call it once the queue has drained. */
export async function auditCounts(
  sql: postgres.Sql,
  acknowledgedIds: readonly string[],
): Promise<CountAudit> {
  const stored = new Set((await sql`select id from reports`).map((row) => row.id as string));
  const missing = acknowledgedIds.filter((id) => !stored.has(id));
  const totals = await countTotals(sql);
  return {
    totals,
    acknowledged: acknowledgedIds.length,
    missing,
    unacknowledged: totals.reports - (acknowledgedIds.length - missing.length),
    duplicates: duplicatesIn(totals),
  };
}

/** Waits until at least `count` reports are counted, then until no batch transaction is open. */
export async function waitUntilCounted(
  sql: postgres.Sql,
  count: number,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  await waitFor(async () => (await countTotals(sql)).minute >= count, {
    timeoutMs: options.timeoutMs ?? 30_000,
    what: `${count} counted`,
  });
  await waitForNoOpenTransactions(sql);
}

/** Waits until no other session of this database has a transaction open. */
export async function waitForNoOpenTransactions(sql: postgres.Sql, timeoutMs = 10_000): Promise<void> {
  await waitFor(
    async () =>
      (
        await sql`select count(*)::int as n from pg_stat_activity
                  where datname = current_database() and xact_start is not null
                    and pid <> pg_backend_pid()`
      )[0]?.n === 0,
    { timeoutMs, what: "no open transactions" },
  );
}

/** Per minute bucket (epoch ms): the counts above the reports stored for that minute (0 when they agree). */
export async function excessByMinute(sql: postgres.Sql): Promise<Map<number, number>> {
  const rows = await sql`
    with counted as (
      select bucket, sum(count)::int as n from counts_minute where source = 'report' group by bucket
    ), stored as (
      select date_bin('1 minute', reported_at, timestamptz 'epoch') as bucket, count(*)::int as n
      from reports group by 1
    )
    select extract(epoch from coalesce(counted.bucket, stored.bucket)) * 1000 as minute,
           coalesce(counted.n, 0) - coalesce(stored.n, 0) as excess
    from counted full join stored on counted.bucket = stored.bucket`;
  return new Map(rows.map((row) => [Number(row.minute), Number(row.excess)]));
}
