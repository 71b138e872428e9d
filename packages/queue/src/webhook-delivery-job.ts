import { Queue } from "bullmq";
import { z } from "zod";
import { WEBHOOKS_QUEUE } from "./names.ts";
import type { RedisClient } from "./redis-connection.ts";

/** One event for one subscription. Its job id is both, so an event is queued once per subscription. */
export const WebhookDeliveryJob = z.object({
  webhookId: z.uuid(),
  /** The live-events stream id of the event (or a ping's own id): receivers dedupe on it. */
  eventId: z.string(),
  /** When the event happened (ISO 8601): the same in every attempt, like the whole body. */
  createdAt: z.iso.datetime(),
  event: z.object({ type: z.string() }).passthrough(),
});
export type WebhookDeliveryJob = z.infer<typeof WebhookDeliveryJob>;

/**
 * Delivery attempts: the first, then retries 15 s, 30 s, 1 min ... about 2 h 8 min after it, so a
 * receiver that is down for a deploy or a short outage still gets the event.
 */
export const WEBHOOK_ATTEMPTS = 10;
export const WEBHOOK_BACKOFF_MS = 15_000;

export function webhookDeliveryJobId(webhookId: string, eventId: string): string {
  // BullMQ refuses ':' in custom ids.
  return `${webhookId}_${eventId}`;
}

export function createWebhooksQueue(
  connection: RedisClient,
  prefix: string,
  backoffMs = WEBHOOK_BACKOFF_MS,
): Queue<WebhookDeliveryJob> {
  return new Queue<WebhookDeliveryJob>(WEBHOOKS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: WEBHOOK_ATTEMPTS,
      backoff: { type: "exponential", delay: backoffMs },
      // The delivery log in Postgres is the record; Redis keeps only a little.
      removeOnComplete: { age: 3_600, count: 1_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
}
