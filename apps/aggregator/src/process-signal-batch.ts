import { applySignalBatch, type Db } from "@outcry/db";
import { SignalBatchJob } from "@outcry/queue";
import { UnrecoverableError } from "bullmq";

export interface BatchOutcome {
  batchId: string;
  signals: number;
  /** false when the batch had been applied before (a redelivery): nothing changed. */
  applied: boolean;
}

/**
 * Applies one signal-batch job's data to the counts. A plain function of the job's data, so it is
 * tested without BullMQ. Malformed data can never succeed, so it is not retried.
 */
export async function processSignalBatch(db: Db, data: unknown): Promise<BatchOutcome> {
  const parsed = SignalBatchJob.safeParse(data);
  if (!parsed.success) {
    throw new UnrecoverableError(`malformed signal batch: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  }
  const { batchId, signals } = parsed.data;
  const { applied } = await applySignalBatch(db, { id: batchId, signals });
  return { batchId, signals: signals.length, applied };
}
