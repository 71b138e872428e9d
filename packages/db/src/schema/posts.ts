import { bigint, index, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Public posts judged to be outage complaints, for the service page's "what people say" list. The
 * post's URI is the key, and the aggregator counts a post only when its row is new: a post seen
 * twice (a Jetstream replay after a restart, the search poller filling a gap) is counted once.
 */
export const posts = pgTable(
  "posts",
  {
    /** at://did/app.bsky.feed.post/rkey */
    uri: text("uri").primaryKey(),
    service: text("service").notNull(),
    region: text("region").notNull(),
    problem: text("problem"),
    /** When the network saw it (Jetstream time_us, or the AppView's indexedAt): what is counted. */
    postedAt: timestamp("posted_at", { withTimezone: true }).notNull(),
    text: text("text").notNull(),
    lang: text("lang").notNull(),
    /** The complaint model's probability. */
    score: real("score").notNull(),
  },
  (table) => [
    // Serves a service's latest matching posts, and the retention prune (by posted_at).
    index("posts_service_time_idx").on(table.service, table.postedAt),
    index("posts_time_idx").on(table.postedAt),
  ],
);

/**
 * Where each collector got to, so a restart resumes instead of starting over. For Jetstream, the
 * time_us of the last event whose signals are safely queued.
 */
export const ingestCursors = pgTable("ingest_cursors", {
  name: text("name").primaryKey(),
  cursor: bigint("cursor", { mode: "number" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
