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
});
export type Service = z.infer<typeof Service>;

/** A whole catalog: slugs and aliases are unique across it, problem ids unique within a service. */
export const Catalog = z.array(Service).superRefine((services, ctx) => {
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
  });
});
export type Catalog = z.infer<typeof Catalog>;
