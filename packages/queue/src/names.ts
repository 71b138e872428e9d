/*
 * Queue names carry Redis Cluster hash tags (the part in braces): every key of one BullMQ queue
 * then lives in one slot, as its scripts require, and different queues may live on different
 * masters. On a single Redis server the braces are just characters.
 */

/** The signals queue of one shard: BullMQ queues carrying signal batches to the aggregator. */
export function signalsQueueName(shard: number): string {
  return `{signals-${shard}}`;
}

/** Every signals queue when the signals are spread over `shards` of them. */
export function signalsQueueNames(shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => signalsQueueName(shard));
}

/** Job name of a signal batch on a signals queue. */
export const SIGNAL_BATCH_JOB = "signal-batch";

/** BullMQ queue of the detector tick, scheduled once a minute. */
export const DETECTION_QUEUE = "{detection}";

/** Job name (and job scheduler id) of the detector tick. */
export const DETECTOR_TICK_JOB = "detector-tick";

/** BullMQ queue of webhook deliveries: one job per event and subscription. */
export const WEBHOOKS_QUEUE = "{webhooks}";
