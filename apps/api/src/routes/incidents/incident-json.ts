import { z } from "@hono/zod-openapi";
import type { IncidentRow } from "@outcry/db";

/** An incident as the API shows it; `region` is null for a service's global incident. */
export const IncidentJson = z
  .object({
    id: z.uuid(),
    service: z.string(),
    region: z
      .string()
      .nullable()
      .openapi({ description: "ISO 3166-1 alpha-2, or null for the service's global series" }),
    source: z
      .enum(["report", "bluesky", "all"])
      .openapi({ description: "all for the service's global series" }),
    status: z.enum(["open", "resolved"]),
    startedAt: z.iso
      .datetime()
      .openapi({ description: "Onset: the first anomalous minute, not the detection" }),
    detectedAt: z.iso.datetime(),
    resolvedAt: z.iso.datetime().nullable(),
    peak: z.object({
      at: z.iso.datetime(),
      count: z.number().int(),
      expected: z.number(),
      score: z.number().min(0).max(1),
    }),
    globalIncidentId: z
      .uuid()
      .nullable()
      .openapi({ description: "For a regional incident, the global one it belongs to" }),
  })
  .openapi("Incident");

export function incidentJson(row: IncidentRow) {
  return {
    id: row.id,
    service: row.service,
    region: row.region === "*" ? null : row.region,
    source: row.source as "report" | "bluesky" | "all",
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    detectedAt: row.detectedAt.toISOString(),
    resolvedAt: row.resolvedAt ? row.resolvedAt.toISOString() : null,
    peak: {
      at: row.peakAt.toISOString(),
      count: row.peakCount,
      expected: Math.round(row.peakExpected * 100) / 100,
      score: Math.round(row.peakScore * 1000) / 1000,
    },
    globalIncidentId: row.globalIncidentId,
  };
}
