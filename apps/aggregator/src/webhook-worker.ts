import type { Config } from "@outcry/core";
import type { Database } from "@outcry/db";
import {
  createWebhooksQueue,
  createWorkerRedis,
  ensureLiveEventsGroup,
  WEBHOOKS_QUEUE,
  type WebhookDeliveryJob,
} from "@outcry/queue";
import { Worker } from "bullmq";
import type { Logger } from "pino";
import { Counter, type Registry } from "prom-client";
import { type DeliveryOutcome, deliverWebhook } from "./deliver-webhook.ts";
import { WEBHOOKS_GROUP, WebhookDispatcher } from "./webhook-dispatcher.ts";

/** Deliveries in flight per process: receivers are slow, not our CPU. */
const DELIVERY_CONCURRENCY = 16;

export interface WebhookWorker {
  close(): Promise<void>;
}

/** The dispatcher (events to delivery jobs) and the BullMQ worker that delivers them. */
export async function startWebhookWorker(options: {
  config: Config;
  database: Database;
  redisUrl: string;
  logger: Logger;
  registry?: Registry | undefined;
  webhookBackoffMs?: number | undefined;
}): Promise<WebhookWorker> {
  const { config, database } = options;
  const logger = options.logger.child({ component: "webhooks" });
  const deliveries = new Counter({
    name: "outcry_webhook_deliveries_total",
    help: "Webhook delivery attempts, by result (delivered, failed, skipped).",
    labelNames: ["result"] as const,
    registers: options.registry ? [options.registry] : [],
  });

  const connection = createWorkerRedis(options.redisUrl);
  const queue = createWebhooksQueue(connection, config.queuePrefix, options.webhookBackoffMs);
  queue.on("error", (error) => logger.warn({ err: error }, "webhooks queue: redis error"));
  const dispatcher = new WebhookDispatcher({
    reader: createWorkerRedis(options.redisUrl),
    db: database.db,
    queue,
    prefix: config.queuePrefix,
    logger,
  });
  const worker = new Worker<WebhookDeliveryJob, DeliveryOutcome>(
    WEBHOOKS_QUEUE,
    async (job) => {
      const outcome = await deliverWebhook(database.db, job.data, job.attemptsMade + 1).catch(
        (error: unknown) => {
          deliveries.inc({ result: "failed" });
          throw error;
        },
      );
      deliveries.inc({ result: outcome });
      return outcome;
    },
    { connection, prefix: config.queuePrefix, concurrency: DELIVERY_CONCURRENCY },
  );
  worker.on("failed", (job, error) =>
    logger.warn(
      { jobId: job?.id, webhookId: job?.data.webhookId, attemptsMade: job?.attemptsMade, err: error.message },
      job && job.attemptsMade >= (job.opts.attempts ?? 1)
        ? "webhook delivery gave up"
        : "webhook delivery failed; will retry",
    ),
  );
  worker.on("error", (error) => logger.error({ err: error }, "webhook worker error"));
  // Before start-up returns, so events published from now on reach webhooks.
  await ensureLiveEventsGroup(connection, config.queuePrefix, WEBHOOKS_GROUP).catch((error: unknown) =>
    logger.warn({ err: error }, "webhooks group not created yet; the dispatcher retries"),
  );
  dispatcher.start();

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        await dispatcher.close();
        await worker.close();
        await queue.close();
        connection.disconnect();
      })();
      return closing;
    },
  };
}
