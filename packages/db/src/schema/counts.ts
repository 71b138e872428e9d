import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { signalSource } from "./signal-source.ts";

/*
 * Signal counts per service x region x source x bucket. The primary key leads with service and
 * bucket because every read is "one service over a time range": a 24-hour read touches 1,440 index
 * ranges' worth of rows however long the history is. Global figures are sums at read time.
 * Hour rollups are written in the same transaction as minutes, so long ranges read 60x fewer rows.
 *
 * The two minute tables are range-partitioned by bucket, one partition per UTC day (migration 0008,
 * by hand: drizzle-kit cannot express partitioning, and the columns and keys here are unchanged).
 * Why a day, and how partitions are created and dropped: queries/minute-partitions.ts.
 */

export const countsMinute = pgTable(
  "counts_minute",
  {
    service: text("service").notNull(),
    bucket: timestamp("bucket", { withTimezone: true }).notNull(),
    region: text("region").notNull(),
    source: signalSource("source").notNull(),
    count: integer("count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.service, table.bucket, table.region, table.source] })],
);

export const countsHour = pgTable(
  "counts_hour",
  {
    service: text("service").notNull(),
    bucket: timestamp("bucket", { withTimezone: true }).notNull(),
    region: text("region").notNull(),
    source: signalSource("source").notNull(),
    count: integer("count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.service, table.bucket, table.region, table.source] })],
);

/*
 * The same counts summed over regions, per service x source x bucket, written in the same statement
 * as the rows above. A service's chart (every region) is the most read series there is: a year at
 * one hour reads 8,760 rows per source here instead of one per region, source and hour.
 */

export const serviceCountsMinute = pgTable(
  "service_counts_minute",
  {
    service: text("service").notNull(),
    bucket: timestamp("bucket", { withTimezone: true }).notNull(),
    source: signalSource("source").notNull(),
    count: integer("count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.service, table.bucket, table.source] })],
);

export const serviceCountsHour = pgTable(
  "service_counts_hour",
  {
    service: text("service").notNull(),
    bucket: timestamp("bucket", { withTimezone: true }).notNull(),
    source: signalSource("source").notNull(),
    count: integer("count").notNull(),
  },
  (table) => [primaryKey({ columns: [table.service, table.bucket, table.source] })],
);
