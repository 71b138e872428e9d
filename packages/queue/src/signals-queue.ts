import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { SIGNALS_QUEUE } from "./names.ts";
import type { SignalBatchJob } from "./signal-batch-job.ts";

/**
 * The producer side of the signals queue. Completed jobs are kept briefly for inspection; failed
 * ones are kept until someone looks, since they hold acknowledged signals.
 */
export function createSignalsQueue(connection: Redis, prefix: string): Queue<SignalBatchJob> {
  return new Queue<SignalBatchJob>(SIGNALS_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: { age: 3_600, count: 1_000 }, removeOnFail: false },
  });
}
