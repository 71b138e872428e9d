import { Queue } from "bullmq";
import { signalsQueueName } from "./names.ts";
import type { RedisClient } from "./redis-connection.ts";
import type { SignalBatchJob } from "./signal-batch-job.ts";

/**
 * The producer side of one signals queue (shard 0 unless said). Completed jobs are kept briefly for
 * inspection; failed ones are kept until someone looks, since they hold acknowledged signals.
 */
export function createSignalsQueue(
  connection: RedisClient,
  prefix: string,
  shard = 0,
): Queue<SignalBatchJob> {
  return new Queue<SignalBatchJob>(signalsQueueName(shard), {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: { age: 3_600, count: 1_000 }, removeOnFail: false },
  });
}
