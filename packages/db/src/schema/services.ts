import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export type ProblemTypeRow = { id: string; label: string };

/** The catalog: one row per service people can report. Loaded from the seed at start-up. */
export const services = pgTable("services", {
  slug: text("slug").primaryKey(),
  name: text("name").notNull(),
  category: text("category").notNull(),
  homepage: text("homepage"),
  countries: text("countries").array().notNull().default([]),
  aliases: text("aliases").array().notNull(),
  keywords: text("keywords").array().notNull().default([]),
  problems: jsonb("problems").$type<ProblemTypeRow[]>().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
