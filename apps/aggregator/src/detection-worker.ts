import type { Config } from "@outcry/core";
import type { Database } from "@outcry/db";
import {
  appendLiveEvent,
  createProducerRedis,
  createWorkerRedis,
  DETECTION_QUEUE,
  DETECTOR_TICK_JOB,
  type LiveEvent,
  type RedisClient,
} from "@outcry/queue";
import { type Job, Queue, Worker } from "bullmq";
import type { Logger } from "pino";
import { Histogram, type Registry } from "prom-client";
import { ALL_SERIES, type DetectorShard, DetectorTick, type TickResult } from "./detector-tick.ts";

/** What each shard's scheduled tick job carries. */
interface TickJob {
  shard: DetectorShard;
}

import { announceUnacknowledged } from "./unacknowledged-watch.ts";

/**
 * One tick, then its incident events and the minute's counts out on the live-events stream (after
 * the tick's transaction committed, so a listener never hears of an incident the database does not
 * have). A lost append is logged, not retried: the incident is in Postgres either way.
 */
export async function tickAndPublish(
  tick: DetectorTick,
  publisher: RedisClient,
  prefix: string,
  logger: Logger,
  now: number,
  shard: DetectorShard = ALL_SERIES,
): Promise<TickResult> {
  const result = await tick.run(now, shard);
  const events: LiveEvent[] = [
    ...result.statusChanges.map((change) => ({ ...change })),
    ...result.events.map((event) => ({ ...event })),
  ];
  if (result.minute.length > 0) {
    events.push({ type: "counts", minute: result.bucket, services: result.minute });
  }
  for (const event of events) {
    if (event.type !== "counts")
      logger.info({ ...event, at: new Date(event.at as number).toISOString() }, event.type);
    await appendLiveEvent(publisher, prefix, event).catch((error: unknown) => {
      logger.warn({ err: error, type: event.type }, "live event not published");
    });
  }
  return result;
}

export interface DetectionWorker {
  close(): Promise<void>;
}

/**
 * Schedules the detector tick once a minute per shard (BullMQ job schedulers: one job per shard
 * and minute however many aggregators run) and runs the ones this replica takes; incident events
 * go out on the live-events stream.
 */
export async function startDetectionWorker(options: {
  config: Config;
  database: Database;
  redisUrl: string;
  logger: Logger;
  registry?: Registry | undefined;
}): Promise<DetectionWorker> {
  const { config, logger } = options;
  const duration = new Histogram({
    name: "outcry_detector_tick_seconds",
    help: "Time of one detector tick over the active series of its shard (every series when unsharded).",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: options.registry ? [options.registry] : [],
  });
  const producer = createProducerRedis(options.redisUrl);
  producer.on("error", (error) => logger.warn({ err: error }, "detection: redis error"));
  const queue = new Queue(DETECTION_QUEUE, { connection: producer, prefix: config.queuePrefix });
  queue.on("error", (error) => logger.warn({ err: error }, "detection queue: redis error"));
  // Ten seconds into every minute: the minute that just ended has settled (see SETTLE_MS), so an
  // outage is judged about ten seconds after each of its minutes, not up to a minute later. One
  // scheduler per shard (DETECTOR_SHARDS): each minute every shard is ticked once, by whichever
  // replica takes its job, so replicas share the work.
  const shards = config.detectorShards;
  const schedulerIds = Array.from({ length: shards }, (_, index) => `${DETECTOR_TICK_JOB}-${index}`);
  for (const [index, id] of schedulerIds.entries()) {
    const data: TickJob = { shard: { index, count: shards } };
    await queue.upsertJobScheduler(
      id,
      { pattern: "10 * * * * *" },
      { name: DETECTOR_TICK_JOB, data, opts: { removeOnComplete: 60, removeOnFail: 60 } },
    );
  }
  // Schedulers of a former shard count (or the single unsharded one) would tick series twice.
  for (const scheduler of await queue.getJobSchedulers()) {
    if (scheduler.key && !schedulerIds.includes(scheduler.key)) await queue.removeJobScheduler(scheduler.key);
  }

  const tick = new DetectorTick(options.database.db);
  const connection = createWorkerRedis(options.redisUrl);
  const worker = new Worker(
    DETECTION_QUEUE,
    async (job: Job<TickJob>) => {
      const shard = job.data?.shard ?? ALL_SERIES;
      const stop = duration.startTimer();
      const now = Date.now();
      const result = await tickAndPublish(tick, producer, config.queuePrefix, logger, now, shard);
      stop();
      if (shard.index !== 0) return { shard, bucket: result.bucket, series: result.series };
      // After the tick: its incidents are committed. Best effort, like the tick's own events.
      await announceUnacknowledged(
        options.database.db,
        producer,
        config.queuePrefix,
        config.officialUnacknowledgedMinutes,
        now,
      )
        .then((events) => {
          for (const event of events) logger.info(event, "incident unacknowledged by its provider");
        })
        .catch((error: unknown) => logger.warn({ err: error }, "unacknowledged incidents not checked"));
      return { shard, bucket: result.bucket, series: result.series, events: result.events.length };
    },
    { connection, prefix: config.queuePrefix, concurrency: 1 },
  );
  worker.on("failed", (_job, error) =>
    logger.warn({ err: error }, "detector tick failed; the next one catches up"),
  );
  worker.on("error", (error) => logger.error({ err: error }, "detection worker error"));

  let closing: Promise<void> | undefined;
  return {
    close() {
      closing ??= (async () => {
        await worker.close();
        await tick
          .flush()
          .catch((error: unknown) => logger.warn({ err: error }, "detector states not saved"));
        await queue.close();
        connection.disconnect();
        producer.disconnect();
      })();
      return closing;
    },
  };
}
