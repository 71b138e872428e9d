import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

/** The HTTP validators of one document a source reads, for the next conditional request. */
export type DocumentValidators = Record<string, { etag?: string; lastModified?: string }>;

/**
 * One row per official source (a Statuspage, a feed, an account), keyed by its URL (at://handle for
 * an account): several services may share one page, which is then read once. `state` is the last
 * good reading, normalized, kept through failures so the last known word stays visible; `stale`
 * says it is old.
 */
export const officialSources = pgTable("official_sources", {
  key: text("key").primaryKey(),
  kind: text("kind").$type<"statuspage" | "feed" | "bluesky">().notNull(),
  /** ETag and Last-Modified per document URL (a Statuspage has two). */
  validators: jsonb("validators").$type<DocumentValidators>().notNull().default({}),
  /** The last good reading, as packages/official normalizes it; null before the first. */
  state: jsonb("state"),
  /** The last attempt, good or bad. */
  checkedAt: timestamp("checked_at", { withTimezone: true }),
  /** The last answer that was understood (a 304 counts: the state is still current). */
  succeededAt: timestamp("succeeded_at", { withTimezone: true }),
  /** The last failure's description and time; kept after a recovery, for the operator. */
  lastError: text("last_error"),
  lastErrorAt: timestamp("last_error_at", { withTimezone: true }),
  /** Failures since the last success. */
  failures: integer("failures").notNull().default(0),
  /** No success for longer than OFFICIAL_STALE_MINUTES: the state shown is old. */
  stale: boolean("stale").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Everything a provider said, once each: page status and component status changes, incidents
 * created, updated and resolved, feed items, account posts. `at` is the provider's own time;
 * `natural_key` is built from the provider's ids and times only, so a page read again (or after a
 * restart) yields the same keys and adds nothing.
 */
export const officialChanges = pgTable(
  "official_changes",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    source: text("source").notNull(),
    naturalKey: text("natural_key").notNull(),
    kind: text("kind")
      .$type<
        "status" | "component" | "incident-created" | "incident-updated" | "incident-resolved" | "post"
      >()
      .notNull(),
    at: timestamp("at", { withTimezone: true }).notNull(),
    /** When Outcry first read it. */
    observedAt: timestamp("observed_at", { withTimezone: true }).notNull().defaultNow(),
    /** The page indicator, the component's status, or the incident (update)'s status. */
    status: text("status"),
    componentId: text("component_id"),
    componentName: text("component_name"),
    /** The component's group on the page, for matching a service's `components` by group. */
    componentGroup: text("component_group"),
    incidentId: text("incident_id"),
    updateId: text("update_id"),
    /** Incident name, feed item title, or the page's status description. */
    title: text("title"),
    body: text("body"),
    impact: text("impact"),
    /** Names of the components an incident says it affects. */
    components: text("components").array(),
    url: text("url"),
  },
  (table) => [
    // The dedupe: one row per thing said, however often it is read.
    uniqueIndex("official_changes_source_key_idx").on(table.source, table.naturalKey),
    // Serves the comparison: a source's changes over a time range, in the provider's time.
    index("official_changes_source_at_idx").on(table.source, table.at),
  ],
);
