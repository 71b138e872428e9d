import { sql } from "drizzle-orm";
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/** Region key of a service's global series (all regions summed). */
export const GLOBAL_REGION = "*";

/** Source key of a series that sums every source. */
export const ALL_SOURCES = "all";

/**
 * Incidents the detector opened, per service and region ("*" is the service's global series).
 * A regional incident links to the global one open at the same time, if any.
 */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey(),
    service: text("service").notNull(),
    region: text("region").notNull(),
    /** report, bluesky, or all (the global series sums every source). */
    source: text("source").notNull().default("all"),
    status: text("status").$type<"open" | "resolved">().notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    detectedAt: timestamp("detected_at", { withTimezone: true }).notNull(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    peakAt: timestamp("peak_at", { withTimezone: true }).notNull(),
    peakCount: integer("peak_count").notNull(),
    peakExpected: doublePrecision("peak_expected").notNull(),
    peakScore: doublePrecision("peak_score").notNull(),
    globalIncidentId: uuid("global_incident_id"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // Serves the incident list: one service's incidents, newest first, over a time range.
    index("incidents_service_started_idx").on(table.service, table.startedAt),
    // Serves the tick and the status of every service: the few incidents still open.
    index("incidents_open_idx")
      .on(table.service, table.region, table.source)
      .where(sql`${table.status} = 'open'`),
  ],
);

/**
 * Each series' detector state, so a restarted aggregator (or another replica) carries on where
 * the last tick left off. `lastBucket` is the newest bucket the state has seen.
 */
export const detectorStates = pgTable(
  "detector_states",
  {
    service: text("service").notNull(),
    region: text("region").notNull(),
    source: text("source").notNull().default("all"),
    lastBucket: timestamp("last_bucket", { withTimezone: true }).notNull(),
    state: jsonb("state").notNull(),
    /** The series' status at lastBucket (ok, possible, problems) and its anomaly score then. */
    status: text("status").$type<"ok" | "possible" | "problems">().notNull().default("ok"),
    score: doublePrecision("score").notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.service, table.region, table.source] })],
);
