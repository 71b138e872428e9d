import { type Db, openIncidentsBySeries } from "@outcry/db";
import { createProducerRedis, signalsQueueNames, WEBHOOKS_QUEUE } from "@outcry/queue";
import { Queue } from "bullmq";
import type { Logger } from "pino";
import { Gauge, type Registry } from "prom-client";

/** The states worth a graph: `wait` is the backlog (and KEDA's list), `delayed` holds retries. */
const STATES = ["wait", "active", "delayed", "failed"] as const;
/** A scrape must answer even while Redis or Postgres does not: past this, the last values stand. */
const READ_TIMEOUT_MS = 1_000;

export interface QueueMetrics {
  close(): Promise<void>;
}

/**
 * Queue depth and lag (signals and webhooks) and the number of open incidents, read when
 * Prometheus scrapes rather than on a timer. Every aggregator replica reports the same figures, so
 * dashboards take their max, not their sum. A failed read keeps the previous values: a broken
 * /metrics would hide every other metric of the process.
 */
export function startQueueMetrics(options: {
  redisUrl: string;
  prefix: string;
  /** SIGNAL_SHARDS: each signals queue is reported on its own. */
  shards: number;
  db: Db;
  registry: Registry;
  logger: Logger;
}): QueueMetrics {
  const { logger } = options;
  const connection = createProducerRedis(options.redisUrl);
  connection.on("error", (error) => logger.debug({ err: error }, "queue metrics: redis error"));
  const queues = [...signalsQueueNames(options.shards), WEBHOOKS_QUEUE].map(
    (name) => new Queue(name, { connection, prefix: options.prefix }),
  );
  // Labels without the hash tags' braces: "signals-0", "webhooks".
  const label = (queue: Queue) => queue.name.replace(/[{}]/g, "");
  for (const queue of queues) {
    queue.on("error", (error) => logger.debug({ err: error }, "queue metrics: queue error"));
  }
  const read = async (what: string, work: () => Promise<void>) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
    });
    try {
      await Promise.race([work(), timeout]);
    } catch (error) {
      logger.warn({ err: error }, `metrics: could not read ${what}; reporting the last values`);
    } finally {
      clearTimeout(timer);
    }
  };

  new Gauge({
    name: "outcry_queue_jobs",
    help: "Jobs in a BullMQ queue, by state (wait is the backlog; the signals wait list is what KEDA scales on).",
    labelNames: ["queue", "state"] as const,
    registers: [options.registry],
    async collect() {
      await read("queue depths", async () => {
        const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...STATES)));
        queues.forEach((queue, index) => {
          for (const state of STATES) this.set({ queue: label(queue), state }, counts[index]?.[state] ?? 0);
        });
      });
    },
  });
  new Gauge({
    name: "outcry_queue_oldest_waiting_seconds",
    help: "Age of the oldest job waiting in a queue (0 when none waits): how far behind its workers are.",
    labelNames: ["queue"] as const,
    registers: [options.registry],
    async collect() {
      await read("queue lag", async () => {
        const oldest = await Promise.all(queues.map((queue) => queue.getWaiting(0, 0)));
        const now = Date.now();
        queues.forEach((queue, index) => {
          const job = oldest[index]?.[0];
          this.set({ queue: label(queue) }, job ? Math.max(0, (now - job.timestamp) / 1000) : 0);
        });
      });
    },
  });
  new Gauge({
    name: "outcry_open_incidents",
    help: "Incidents open now, global and regional.",
    registers: [options.registry],
    async collect() {
      await read("open incidents", async () => {
        this.set((await openIncidentsBySeries(options.db)).size);
      });
    },
  });

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        await Promise.all(queues.map((queue) => queue.close().catch(() => {})));
        connection.disconnect();
      })();
      return closing;
    },
  };
}
