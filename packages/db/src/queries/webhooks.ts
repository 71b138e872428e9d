import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../database.ts";
import { webhookDeliveries, webhooks } from "../schema/index.ts";

export type WebhookRow = typeof webhooks.$inferSelect;
export type NewWebhook = typeof webhooks.$inferInsert;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

export async function insertWebhook(db: Db, webhook: NewWebhook): Promise<WebhookRow> {
  const [row] = await db.insert(webhooks).values(webhook).returning();
  if (!row) throw new Error("webhook not inserted");
  return row;
}

/** Every subscription still enabled: the dispatcher matches each event against them. */
export async function activeWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.select().from(webhooks).where(isNull(webhooks.disabledAt));
}

export async function listWebhooks(db: Db): Promise<WebhookRow[]> {
  return db.select().from(webhooks).where(isNull(webhooks.disabledAt)).orderBy(desc(webhooks.createdAt));
}

export async function getWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, id), isNull(webhooks.disabledAt)));
  return row;
}

/**
 * Disables a subscription (kept, with its log, so deliveries already queued find it and stop);
 * false when there is no enabled one with that id.
 */
export async function disableWebhook(db: Db, id: string): Promise<boolean> {
  const rows = await db
    .update(webhooks)
    .set({ disabledAt: new Date() })
    .where(and(eq(webhooks.id, id), isNull(webhooks.disabledAt)))
    .returning({ id: webhooks.id });
  return rows.length > 0;
}

export async function recordWebhookDelivery(
  db: Db,
  delivery: typeof webhookDeliveries.$inferInsert,
): Promise<void> {
  await db.insert(webhookDeliveries).values(delivery);
}

/** A subscription's delivery attempts, newest first, paged by `before`. */
export async function webhookDeliveryLog(
  db: Db,
  webhookId: string,
  options: { limit: number; before?: Date | undefined },
): Promise<WebhookDeliveryRow[]> {
  const conditions = [eq(webhookDeliveries.webhookId, webhookId)];
  if (options.before) conditions.push(lt(webhookDeliveries.at, options.before));
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.at))
    .limit(options.limit);
}

/** How long delivery attempts stay in the log: long enough to debug a receiver after a holiday. */
export const WEBHOOK_DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;

/** Forgets delivery attempts older than the retention; returns how many. */
export async function pruneWebhookDeliveries(db: Db, now = Date.now()): Promise<number> {
  const removed = await db
    .delete(webhookDeliveries)
    .where(lt(webhookDeliveries.at, new Date(now - WEBHOOK_DELIVERY_RETENTION_MS)))
    .returning({ id: webhookDeliveries.id });
  return removed.length;
}
