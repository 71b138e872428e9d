import type { SQL } from "drizzle-orm";
import type { Db } from "../database.ts";

/**
 * Runs raw SQL and returns its rows on either driver: postgres.js answers with the rows themselves,
 * PGlite with an object holding them.
 */
export async function executeRows<Row>(db: Db, query: SQL): Promise<Row[]> {
  const result: unknown = await db.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}
