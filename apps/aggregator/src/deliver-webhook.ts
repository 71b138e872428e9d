import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from "@outcry/core";
import { type Db, getWebhook, recordWebhookDelivery } from "@outcry/db";
import type { WebhookDeliveryJob } from "@outcry/queue";

/** A receiver gets this long to answer; a slow one is retried, not waited on. */
const DELIVERY_TIMEOUT_MS = 10_000;

export type DeliveryOutcome = "delivered" | "skipped";

export class DeliveryFailedError extends Error {
  override name = "DeliveryFailedError";
}

/** The body a subscriber receives; the same bytes in every attempt, so it can dedupe on `id`. */
export function webhookBody(job: WebhookDeliveryJob): string {
  const { type, ...data } = job.event;
  return JSON.stringify({ id: job.eventId, type, createdAt: job.createdAt, data });
}

/**
 * One delivery attempt: POSTs the signed event, logs the attempt in Postgres, and throws when the
 * receiver did not take it (no answer, a timeout, or anything but 2xx), so the queue retries with
 * backoff. A subscription deleted meanwhile is skipped. Deliveries are at least once: a receiver
 * dedupes on the `Outcry-Event-Id` header (the body's `id`).
 */
export async function deliverWebhook(
  db: Db,
  job: WebhookDeliveryJob,
  attempt: number,
  now: () => number = Date.now,
): Promise<DeliveryOutcome> {
  const webhook = await getWebhook(db, job.webhookId);
  if (!webhook) return "skipped";
  const body = webhookBody(job);
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const response = await fetch(webhook.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Outcry-Webhooks/1",
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(webhook.secret, Math.floor(now() / 1000), body),
        "Outcry-Event-Id": job.eventId,
        "Outcry-Event-Type": String(job.event.type),
        "Outcry-Delivery-Attempt": String(attempt),
      },
      body,
      // A redirect is the receiver's mistake to fix; following it would send the event elsewhere.
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    statusCode = response.status;
    await response.body?.cancel();
    if (statusCode < 200 || statusCode >= 300) error = `receiver answered ${statusCode}`;
  } catch (caught) {
    error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
  }
  await recordWebhookDelivery(db, {
    webhookId: webhook.id,
    eventId: job.eventId,
    eventType: String(job.event.type),
    attempt,
    statusCode,
    error,
    durationMs: Math.round(performance.now() - started),
    payload: JSON.parse(body),
  });
  if (error) throw new DeliveryFailedError(error);
  return "delivered";
}
