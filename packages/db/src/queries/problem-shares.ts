import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { executeRows } from "./raw-sql.ts";

export interface ProblemCount {
  problem: string;
  count: number;
}

export interface ProblemSharesQuery {
  service: string;
  from: number;
  to: number;
  /** One region, or every region when absent. */
  region?: string | undefined;
  /** Reports, matched posts that name a problem, or both (default). */
  source?: "report" | "bluesky" | "all";
}

/**
 * How many reports (and matched posts) named each problem of a service in [from, to). Served by
 * reports_service_time_idx and posts_service_time_idx.
 */
export async function problemCounts(db: Db, query: ProblemSharesQuery): Promise<ProblemCount[]> {
  const from = new Date(query.from).toISOString();
  const to = new Date(query.to).toISOString();
  const region = query.region === undefined ? sql`` : sql`and region = ${query.region}`;
  const source = query.source ?? "all";
  const parts: SQL[] = [];
  if (source !== "bluesky") {
    parts.push(sql`select problem from reports
      where service = ${query.service} and reported_at >= ${from}::timestamptz and reported_at < ${to}::timestamptz ${region}`);
  }
  if (source !== "report") {
    parts.push(sql`select problem from posts
      where service = ${query.service} and posted_at >= ${from}::timestamptz and posted_at < ${to}::timestamptz
        and problem is not null ${region}`);
  }
  const rows = await executeRows<{ problem: string; count: number }>(
    db,
    sql`select problem, count(*)::int as count from (${sql.join(parts, sql` union all `)}) as named
        group by problem order by count desc, problem`,
  );
  return rows.map((row) => ({ problem: row.problem, count: Number(row.count) }));
}
