import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export type ProblemTypeRow = { id: string; label: string };

/** An official source as the catalog names it (packages/core's OfficialSource). */
export type CatalogOfficialSource =
  | { kind: "statuspage"; url: string; components?: string[] }
  | { kind: "feed"; url: string }
  | { kind: "bluesky"; handle: string };

/**
 * The catalog: one row per service people can report. The seed is written at every start-up, so a
 * new release's aliases reach existing installs, except over rows an admin has edited (`edited_at`).
 */
export const services = pgTable("services", {
  slug: text("slug").primaryKey(),
  name: text("name").notNull(),
  category: text("category").notNull(),
  homepage: text("homepage"),
  countries: text("countries").array().notNull().default([]),
  aliases: text("aliases").array().notNull(),
  keywords: text("keywords").array().notNull().default([]),
  problems: jsonb("problems").$type<ProblemTypeRow[]>().notNull(),
  /** Where the provider speaks officially; null when the catalog names nowhere. */
  official: jsonb("official").$type<CatalogOfficialSource[]>(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  /** Set by the admin API: from then on the seed leaves the row alone. */
  editedAt: timestamp("edited_at", { withTimezone: true }),
});
