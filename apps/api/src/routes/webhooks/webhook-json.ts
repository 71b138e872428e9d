import { z } from "@hono/zod-openapi";
import type { WebhookDeliveryRow, WebhookRow } from "@outcry/db";

export const WebhookJson = z
  .object({
    id: z.uuid(),
    url: z.url(),
    services: z.array(z.string()),
    regions: z.array(z.string()),
    minStatus: z.enum(["possible", "problems"]),
    description: z.string().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi("Webhook");

export function webhookJson(row: WebhookRow) {
  return {
    id: row.id,
    url: row.url,
    services: row.services,
    regions: row.regions,
    minStatus: row.minStatus,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
  };
}

export const WebhookDeliveryJson = z
  .object({
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int(),
    statusCode: z.number().int().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
    at: z.iso.datetime(),
  })
  .openapi("WebhookDelivery");

export function webhookDeliveryJson(row: WebhookDeliveryRow) {
  return {
    eventId: row.eventId,
    eventType: row.eventType,
    attempt: row.attempt,
    statusCode: row.statusCode,
    error: row.error,
    durationMs: row.durationMs,
    at: row.at.toISOString(),
  };
}
