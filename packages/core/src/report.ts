import { z } from "zod";
import { RegionCode, SubdivisionCode } from "./region.ts";
import { ServiceSlug } from "./service.ts";

/** Largest report body the intake accepts; real reports are well under 1 KiB. */
export const MAX_REPORT_BODY_BYTES = 4096;

/**
 * What the public sends when they press "I have a problem". The service and its problem type are
 * checked against the catalog by the intake, which knows the catalog; this schema checks the shape.
 */
export const ReportInput = z
  .strictObject({
    service: ServiceSlug,
    problem: z.string().min(1).max(32),
    region: RegionCode,
    subdivision: SubdivisionCode.optional(),
    city: z.string().trim().min(1).max(100).optional(),
    comment: z.string().trim().max(500).optional(),
  })
  .superRefine((report, ctx) => {
    if (report.subdivision !== undefined && !report.subdivision.startsWith(`${report.region}-`)) {
      ctx.addIssue({
        code: "custom",
        path: ["subdivision"],
        message: `must be a subdivision of region ${report.region}`,
      });
    }
  });
export type ReportInput = z.infer<typeof ReportInput>;
