import type { Config } from "@outcry/core";
import {
  type Database,
  maintainMinutePartitions,
  pruneAppliedBatches,
  prunePosts,
  pruneWebhookDeliveries,
} from "@outcry/db";
import { createWorkerRedis, type SignalBatchJob, signalBatchBackoff, signalsQueueNames } from "@outcry/queue";
import { Worker } from "bullmq";
import type { Logger } from "pino";
import { Counter, Histogram, type Registry } from "prom-client";
import { startDetectionWorker } from "./detection-worker.ts";
import { type BatchOutcome, processSignalBatch } from "./process-signal-batch.ts";
import { startQueueMetrics } from "./queue-metrics.ts";
import { startWebhookWorker } from "./webhook-worker.ts";

export interface AggregatorOptions {
  config: Config;
  database: Database;
  redisUrl: string;
  logger: Logger;
  registry?: Registry;
  /** Run the detector tick once a minute (default). Tests that drive the tick themselves turn it off. */
  detection?: boolean;
  /** Dispatch and deliver webhooks (default). */
  webhooks?: boolean;
  /** First retry delay of a failed webhook delivery (default WEBHOOK_BACKOFF_MS); tests shorten it. */
  webhookBackoffMs?: number;
}

export interface Aggregator {
  /** Waits for the batches in hand, then disconnects. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the BullMQ workers of the aggregator role: signal batches into counts, and the detector
 * tick once a minute.
 */
export async function startAggregator(options: AggregatorOptions): Promise<Aggregator> {
  const { config, database, logger: parent } = options;
  const logger = parent.child({ component: "aggregator" });
  const registers = options.registry ? [options.registry] : [];
  const applied = new Counter({
    name: "outcry_signal_batches_total",
    help: "Signal batches processed, by result (applied, duplicate).",
    labelNames: ["result"] as const,
    registers,
  });
  const duration = new Histogram({
    name: "outcry_signal_batch_seconds",
    help: "Time to apply one signal batch to Postgres.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers,
  });

  // Minute-count partitions for today and the days ahead, and retention's drops: at start, before
  // any batch is applied (so the day's writes have their partition), and hourly with the pruning.
  const maintainPartitions = () =>
    maintainMinutePartitions(database.db, { retentionDays: config.retentionDays })
      .then(({ created, dropped }) => {
        if (created.length > 0 || dropped.length > 0) logger.info({ created, dropped }, "minute partitions");
      })
      .catch((error) => logger.warn({ err: error }, "minute partition maintenance failed; will retry"));
  await maintainPartitions();

  const connection = createWorkerRedis(options.redisUrl);
  // One worker per signals queue (SIGNAL_SHARDS); each replica serves every shard, so any one
  // replica left standing drains them all.
  const workers = signalsQueueNames(config.signalShards).map((name) => {
    const worker = new Worker<SignalBatchJob, BatchOutcome>(
      name,
      async (job) => {
        const stop = duration.startTimer();
        const outcome = await processSignalBatch(database.db, job.data);
        stop();
        applied.inc({ result: outcome.applied ? "applied" : "duplicate" });
        if (!outcome.applied) logger.info({ jobId: job.id }, "batch already applied; redelivery ignored");
        return outcome;
      },
      {
        connection,
        prefix: config.queuePrefix,
        concurrency: config.aggregatorConcurrency,
        // A worker that dies mid-batch holds its lock until it expires; then the batch is redelivered.
        lockDuration: config.aggregatorLockMs,
        stalledInterval: config.aggregatorLockMs,
        // Stalled batches (their worker died) go back to the queue however often that happens.
        maxStalledCount: Number.MAX_SAFE_INTEGER,
        settings: { backoffStrategy: (attemptsMade: number) => signalBatchBackoff(attemptsMade) },
      },
    );
    worker.on("failed", (job, error) => {
      logger.warn(
        { queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error },
        "signal batch failed; will retry",
      );
    });
    worker.on("error", (error) => logger.error({ queue: name, err: error }, "worker error"));
    return worker;
  });

  // Batch ids are only needed while a batch may still be redelivered, post texts only for the
  // retention period, webhook delivery attempts for a month; prune them hourly. Several
  // aggregators pruning at once is harmless.
  const prune = setInterval(() => {
    void maintainPartitions();
    pruneAppliedBatches(database.db)
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned applied batch ids"))
      .catch((error) => logger.warn({ err: error }, "pruning applied batch ids failed; will retry"));
    prunePosts(database.db, config.postsRetentionMs)
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned posts past their retention"))
      .catch((error) => logger.warn({ err: error }, "pruning posts failed; will retry"));
    pruneWebhookDeliveries(database.db)
      .then((removed) => removed > 0 && logger.info({ removed }, "pruned old webhook delivery attempts"))
      .catch((error) => logger.warn({ err: error }, "pruning webhook deliveries failed; will retry"));
  }, 3_600_000);
  prune.unref();

  const detection =
    options.detection === false ? undefined : await startDetectionWorker({ ...options, logger });
  const webhooks = options.webhooks === false ? undefined : await startWebhookWorker({ ...options, logger });
  const queueMetrics = options.registry
    ? startQueueMetrics({
        ...options,
        logger,
        registry: options.registry,
        prefix: config.queuePrefix,
        shards: config.signalShards,
        db: database.db,
      })
    : undefined;

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        clearInterval(prune);
        await queueMetrics?.close();
        await detection?.close();
        await webhooks?.close();
        await Promise.all(workers.map((worker) => worker.close()));
        connection.disconnect();
      })();
      return closing;
    },
  };
}
