import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Admin API keys. Only a SHA-256 of the secret is kept (the secret is 32 random bytes, so a slow
 * password hash would add nothing); the key is shown once, at creation. `prefix` is its first
 * characters, enough for an operator to tell keys apart in a list.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    hash: text("hash").notNull(),
    scopes: text("scopes").array().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [
    // Serves the check of every admin request: key hash to key.
    index("api_keys_hash_idx").on(table.hash),
  ],
);

/**
 * Webhook subscriptions. The signing secret is kept as is: the sender needs it to sign every
 * delivery (as Stripe and GitHub do); it is shown to the admin once, at creation.
 */
export const webhooks = pgTable("webhooks", {
  id: uuid("id").primaryKey(),
  url: text("url").notNull(),
  secret: text("secret").notNull(),
  /** Only events about these services; empty: every service. */
  services: text("services").array().notNull(),
  /** Only events about these regions ("*" is a service as a whole); empty: every region. */
  regions: text("regions").array().notNull(),
  /** "possible" or "problems": the least severe event delivered. */
  minStatus: text("min_status").$type<"possible" | "problems">().notNull(),
  description: text("description"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  disabledAt: timestamp("disabled_at", { withTimezone: true }),
});

/** Every delivery attempt, for the subscription's delivery log. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    /** The event's id (the live-events stream entry), the same in every attempt. */
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    attempt: integer("attempt").notNull(),
    /** The receiver's HTTP status; null when no answer came (refused, timed out). */
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    payload: jsonb("payload").notNull(),
  },
  (table) => [
    // Serves a subscription's delivery log, newest first.
    index("webhook_deliveries_webhook_at_idx").on(table.webhookId, table.at),
  ],
);
