import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../database.ts";

/**
 * Runs raw SQL and returns its rows on either driver: postgres.js answers with the rows themselves,
 * PGlite with an object holding them.
 */
export async function executeRows<Row>(db: Db, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}

/**
 * A whole array as one bind parameter, for `unnest`: drizzle spreads a bare array into a list of
 * parameters.
 */
export function arrayParam(values: unknown[]): SQL {
  return sql`${sql.param(values)}`;
}
