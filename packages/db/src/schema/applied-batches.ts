import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Every signal batch applied to the counts, recorded in the same transaction as its counts: a batch
 * delivered twice (a worker killed after commit, a retried job) finds its id here and changes nothing.
 */
export const appliedBatches = pgTable("applied_batches", {
  id: text("id").primaryKey(),
  signals: integer("signals").notNull(),
  appliedAt: timestamp("applied_at", { withTimezone: true }).notNull().defaultNow(),
});
