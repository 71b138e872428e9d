import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Counted public reports, raw. The reporter is a keyed hash of the client address: the address
 * itself is never stored.
 */
export const reports = pgTable(
  "reports",
  {
    id: uuid("id").primaryKey(),
    // No foreign key to services: a service later removed from the catalog must not turn batches
    // already acknowledged into poison that can never be applied.
    service: text("service").notNull(),
    problem: text("problem").notNull(),
    region: text("region").notNull(),
    subdivision: text("subdivision"),
    city: text("city"),
    comment: text("comment"),
    reporterKey: text("reporter_key").notNull(),
    reportedAt: timestamp("reported_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    // Serves a service's recent reports: problem shares and the latest comments over a time range.
    index("reports_service_time_idx").on(table.service, table.reportedAt),
  ],
);
