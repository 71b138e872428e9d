import type { Catalog, Service } from "@outcry/core";
import { asc, isNull, sql } from "drizzle-orm";
import type { Db } from "../database.ts";
import { services } from "../schema/index.ts";

/** A service's columns, as both the seed and an admin's edit write them. */
function serviceColumns(service: Service) {
  return {
    name: service.name,
    category: service.category,
    homepage: service.homepage ?? null,
    countries: service.countries,
    aliases: service.aliases,
    keywords: service.keywords,
    problems: service.problems,
    official: service.official ?? null,
  };
}

/**
 * Writes the seed catalog's services, updating the ones that exist unless an admin edited them;
 * services not named are kept.
 */
export async function upsertServices(db: Db, catalog: Catalog): Promise<void> {
  if (catalog.length === 0) return;
  await db
    .insert(services)
    .values(catalog.map((service) => ({ slug: service.slug, ...serviceColumns(service) })))
    .onConflictDoUpdate({
      target: services.slug,
      set: {
        name: sql`excluded.name`,
        category: sql`excluded.category`,
        homepage: sql`excluded.homepage`,
        countries: sql`excluded.countries`,
        aliases: sql`excluded.aliases`,
        keywords: sql`excluded.keywords`,
        problems: sql`excluded.problems`,
        official: sql`excluded.official`,
        updatedAt: sql`now()`,
      },
      setWhere: isNull(services.editedAt),
    });
}

/** An admin's write of one service (new or changed): the seed will not overwrite it. */
export async function saveEditedService(db: Db, service: Service): Promise<void> {
  const row = { ...serviceColumns(service), editedAt: new Date(), updatedAt: new Date() };
  await db
    .insert(services)
    .values({ slug: service.slug, ...row })
    .onConflictDoUpdate({ target: services.slug, set: row });
}

/** Every service in the catalog, by slug. */
export async function listServices(db: Db): Promise<Service[]> {
  const rows = await db.select().from(services).orderBy(asc(services.slug));
  return rows.map((row) => ({
    slug: row.slug,
    name: row.name,
    category: row.category as Service["category"],
    ...(row.homepage ? { homepage: row.homepage } : {}),
    countries: row.countries,
    aliases: row.aliases,
    keywords: row.keywords,
    problems: row.problems,
    ...(row.official ? { official: row.official } : {}),
  }));
}
