export { catalogChangesChannel, LiveCatalog, type LiveCatalogOptions } from "./live-catalog.ts";
export {
  ackLiveEvents,
  appendLiveEvent,
  claimStaleLiveEvents,
  ensureLiveEventsGroup,
  type GroupRead,
  LIVE_EVENTS_MAX_LENGTH,
  type LiveEvent,
  lastLiveEventId,
  liveEventsAfter,
  liveEventsKey,
  readLiveEvents,
  readLiveEventsAsGroup,
  type StoredLiveEvent,
} from "./live-events.ts";
export {
  DETECTION_QUEUE,
  DETECTOR_TICK_JOB,
  SIGNAL_BATCH_JOB,
  signalsQueueName,
  signalsQueueNames,
  WEBHOOKS_QUEUE,
} from "./names.ts";
export {
  createProducerRedis,
  createWorkerRedis,
  parseRedisClusterUrl,
  patientDuplicate,
  REDIS_CLUSTER_SCHEME,
  type RedisClient,
  redisReady,
} from "./redis-connection.ts";
export { durableRedisServerArgs } from "./redis-server-args.ts";
export {
  ShardedSignalBatcher,
  type ShardedSignalBatcherOptions,
  type SignalSink,
} from "./sharded-signal-batcher.ts";
export {
  SIGNAL_BATCH_ATTEMPTS,
  SIGNAL_BATCH_MAX_BACKOFF_MS,
  SignalBatchJob,
  signalBatchBackoff,
} from "./signal-batch-job.ts";
export { SignalBatcher, type SignalBatcherOptions } from "./signal-batcher.ts";
export { createSignalsQueue } from "./signals-queue.ts";
export {
  createWebhooksQueue,
  WEBHOOK_ATTEMPTS,
  WEBHOOK_BACKOFF_MS,
  WebhookDeliveryJob,
  webhookDeliveryJobId,
} from "./webhook-delivery-job.ts";
