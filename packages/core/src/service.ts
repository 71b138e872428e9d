import { z } from "zod";
import { RegionCode } from "./region.ts";

export const ServiceSlug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "must be 2-40 characters of a-z, 0-9 and '-'");

export const ServiceCategory = z.enum([
  "streaming",
  "social",
  "messaging",
  "cloud",
  "developer",
  "bank",
  "payments",
  "gaming",
  "isp",
  "mobile",
  "ecommerce",
  "productivity",
  "transport",
  "ai",
  "email",
  "other",
]);
export type ServiceCategory = z.infer<typeof ServiceCategory>;

export const ProblemType = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "must be 1-32 characters of a-z, 0-9 and '-'"),
  label: z.string().min(1).max(60),
});
export type ProblemType = z.infer<typeof ProblemType>;

const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/**
 * Where a provider speaks officially about its own service. A Statuspage is named by its base URL
 * (the poller reads /api/v2/summary.json and /api/v2/incidents.json under it); `components` limits
 * which of the page's components (or component groups) stand for this service, for pages that
 * cover many products.
 */
export const OfficialSource = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("statuspage"),
    url: HttpUrl,
    components: z.array(z.string().trim().min(1).max(200)).min(1).max(50).optional(),
  }),
  z.strictObject({ kind: z.literal("feed"), url: HttpUrl }),
  z.strictObject({
    kind: z.literal("bluesky"),
    handle: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*$|^did:(?:plc|web):[a-z0-9._:%-]+$/,
        "must be a Bluesky handle (e.g. bsky.app) or a DID",
      ),
  }),
]);
export type OfficialSource = z.infer<typeof OfficialSource>;

/** What kind of thing a provider said: the official changes Outcry records. */
export type OfficialChangeKind =
  | "status"
  | "component"
  | "incident-created"
  | "incident-updated"
  | "incident-resolved"
  | "post";

/** The address a source is polled at and stored under: its URL, or at://handle for an account. */
export function officialSourceKey(source: OfficialSource): string {
  return source.kind === "bluesky" ? `at://${source.handle}` : source.url;
}

export const Service = z.object({
  slug: ServiceSlug,
  name: z.string().min(1).max(80),
  category: ServiceCategory,
  homepage: z.url().optional(),
  /** Countries where it mainly operates; empty means worldwide. */
  countries: z.array(RegionCode).default([]),
  /** Lower-case names people use for it in posts. */
  aliases: z.array(z.string().min(2).max(60)).min(1),
  /** Lower-case outage phrases specific to it. */
  keywords: z.array(z.string().min(2).max(80)).default([]),
  problems: z.array(ProblemType).min(1),
  /** Where the provider posts its own status; absent or empty: Outcry knows none. */
  official: z.array(OfficialSource).max(8).optional(),
});
export type Service = z.infer<typeof Service>;

/**
 * A whole catalog: slugs and aliases are unique across it; problem ids and official sources are
 * unique within a service.
 */
export const Catalog = z.array(Service).superRefine(checkCatalog);
export type Catalog = z.infer<typeof Catalog>;

/** A catalog file written by hand: as Catalog, but a misspelt field is an error, not ignored. */
export const StrictCatalog = z.array(Service.strict()).superRefine(checkCatalog);

function checkCatalog(services: Service[], ctx: z.RefinementCtx): void {
  const slugs = new Set<string>();
  const aliases = new Map<string, string>();
  services.forEach((service, index) => {
    if (slugs.has(service.slug)) {
      ctx.addIssue({ code: "custom", path: [index, "slug"], message: `duplicate slug ${service.slug}` });
    }
    slugs.add(service.slug);
    for (const alias of service.aliases) {
      const owner = aliases.get(alias);
      if (owner !== undefined && owner !== service.slug) {
        ctx.addIssue({
          code: "custom",
          path: [index, "aliases"],
          message: `alias "${alias}" of ${service.slug} is already used by ${owner}`,
        });
      }
      aliases.set(alias, service.slug);
    }
    const problemIds = service.problems.map((problem) => problem.id);
    if (new Set(problemIds).size !== problemIds.length) {
      ctx.addIssue({ code: "custom", path: [index, "problems"], message: "duplicate problem id" });
    }
    const sourceKeys = (service.official ?? []).map(officialSourceKey);
    if (new Set(sourceKeys).size !== sourceKeys.length) {
      ctx.addIssue({ code: "custom", path: [index, "official"], message: "the same source is named twice" });
    }
  });
}
