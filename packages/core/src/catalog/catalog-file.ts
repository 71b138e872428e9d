import { ConfigError } from "../config.ts";
import { Catalog, StrictCatalog } from "../service.ts";

/**
 * A CATALOG_FILE that cannot be used, with every problem found, each naming the entry (index and
 * slug) and the field. A ConfigError, so start-up reports it as it reports a bad variable.
 */
export class CatalogFileError extends ConfigError {
  override name = "CatalogFileError";
}

/**
 * Parses and validates the text of a catalog file (a JSON array of services, fields as in the
 * seed; unknown fields are refused so a misspelling is not silently ignored).
 */
export function parseCatalogFile(text: string, file: string): Catalog {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogFileError([`CATALOG_FILE ${file}: not valid JSON (${(error as Error).message})`]);
  }
  if (!Array.isArray(json)) {
    throw new CatalogFileError([`CATALOG_FILE ${file}: must be a JSON array of services`]);
  }
  const parsed = StrictCatalog.safeParse(json);
  if (parsed.success) return parsed.data;
  throw new CatalogFileError(
    parsed.error.issues.map((issue) => {
      const [index, ...field] = issue.path;
      const entry = typeof index === "number" ? describeEntry(json as unknown[], index) : "the file";
      const where = field.length > 0 ? ` ${field.map(String).join(".")}` : "";
      return `CATALOG_FILE ${file}: ${entry}${where}: ${issue.message}`;
    }),
  );
}

/**
 * The catalog to write at start-up: the seed with the file's services laid over it. A service in
 * the file replaces the seed's service of the same slug whole (so `"official": []` turns the seed's
 * sources off); new slugs are added. The result is checked as a whole, since a file's alias may
 * clash with a seed service it did not replace.
 */
export function withCatalogFile(seed: Catalog, own: Catalog, file: string): Catalog {
  const bySlug = new Map(seed.map((service) => [service.slug, service]));
  for (const service of own) bySlug.set(service.slug, service);
  const merged = [...bySlug.values()];
  const checked = Catalog.safeParse(merged);
  if (checked.success) return checked.data;
  throw new CatalogFileError(
    checked.error.issues.map((issue) => {
      const service = merged[Number(issue.path[0])];
      const origin = service && own.includes(service) ? "" : " (a seed service)";
      return `CATALOG_FILE ${file}: service ${service?.slug ?? "?"}${origin} ${issue.path.slice(1).join(".")}: ${issue.message}`;
    }),
  );
}

function describeEntry(entries: unknown[], index: number): string {
  const entry = entries[index];
  const slug =
    entry && typeof entry === "object" && "slug" in entry && typeof entry.slug === "string"
      ? ` (${entry.slug})`
      : "";
  return `entry ${index}${slug}`;
}
