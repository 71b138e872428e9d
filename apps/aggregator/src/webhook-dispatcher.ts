import { hostname } from "node:os";
import { activeWebhooks, type Db } from "@outcry/db";
import {
  ackLiveEvents,
  claimStaleLiveEvents,
  ensureLiveEventsGroup,
  type GroupRead,
  type RedisClient,
  readLiveEventsAsGroup,
  type WebhookDeliveryJob,
  webhookDeliveryJobId,
} from "@outcry/queue";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import { webhookWants } from "./webhook-filter.ts";

/** The consumer group of the live-events stream that feeds webhooks. */
export const WEBHOOKS_GROUP = "webhooks";
const BLOCK_MS = 2_000;
/** An event read by a consumer that then died is taken over after this long. */
const CLAIM_AFTER_MS = 30_000;
const RETRY_AFTER_ERROR_MS = 1_000;

/**
 * Reads the live events as one consumer of the "webhooks" group and queues one delivery per
 * interested subscription. It acknowledges an event only after its deliveries are queued, and the
 * job ids are event x subscription, so a crash in between re-queues nothing twice.
 */
export class WebhookDispatcher {
  readonly #reader: RedisClient;
  readonly #db: Db;
  readonly #queue: Queue<WebhookDeliveryJob>;
  readonly #prefix: string;
  readonly #logger: Logger;
  readonly #consumer = `${hostname()}-${process.pid}`;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: {
    reader: RedisClient;
    db: Db;
    queue: Queue<WebhookDeliveryJob>;
    prefix: string;
    logger: Logger;
  }) {
    this.#reader = options.reader;
    this.#db = options.db;
    this.#queue = options.queue;
    this.#prefix = options.prefix;
    this.#logger = options.logger;
    // Without a listener ioredis prints each reconnect failure raw on stderr; the loop already logs
    // the outage, so the connection's own errors go to debug.
    this.#reader.on("error", (error) => this.#logger.debug({ err: error }, "webhooks reader: redis error"));
  }

  start(): void {
    this.#running ??= this.#loop();
  }

  async #loop(): Promise<void> {
    let claimedAt = 0;
    while (!this.#stopped) {
      try {
        await ensureLiveEventsGroup(this.#reader, this.#prefix, WEBHOOKS_GROUP);
        if (Date.now() - claimedAt > CLAIM_AFTER_MS) {
          claimedAt = Date.now();
          await this.#dispatch(
            await claimStaleLiveEvents(
              this.#reader,
              this.#prefix,
              WEBHOOKS_GROUP,
              this.#consumer,
              CLAIM_AFTER_MS,
            ),
          );
        }
        await this.#dispatch(
          await readLiveEventsAsGroup(this.#reader, this.#prefix, WEBHOOKS_GROUP, this.#consumer, BLOCK_MS),
        );
      } catch (error) {
        if (this.#stopped) return;
        this.#logger.warn({ err: error }, "webhook dispatch failed; retrying");
        await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_ERROR_MS));
      }
    }
  }

  async #dispatch(read: GroupRead): Promise<void> {
    const wanted = read.events.filter(({ event }) => event.type !== "counts");
    if (wanted.length > 0) {
      const webhooks = await activeWebhooks(this.#db);
      const jobs = wanted.flatMap(({ id, event }) =>
        webhooks
          .filter((webhook) => webhookWants(webhook, event))
          .map((webhook) => ({
            name: event.type,
            data: {
              webhookId: webhook.id,
              eventId: id,
              createdAt: new Date(Number(id.split("-")[0])).toISOString(),
              event,
            },
            opts: { jobId: webhookDeliveryJobId(webhook.id, id) },
          })),
      );
      if (jobs.length > 0) {
        await this.#queue.addBulk(jobs);
        this.#logger.info({ events: wanted.length, deliveries: jobs.length }, "webhook deliveries queued");
      }
    }
    await ackLiveEvents(this.#reader, this.#prefix, WEBHOOKS_GROUP, read.ids);
  }

  /** Stops after the current read (at most BLOCK_MS). Safe to call twice. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#reader.disconnect();
    await this.#running;
  }
}
