import { Signal } from "@outcry/core";
import { z } from "zod";

/** Payload of a signal-batch job. Its id is also the BullMQ job id and the applied-batch id. */
export const SignalBatchJob = z.object({
  batchId: z.uuid(),
  signals: z.array(Signal).min(1),
});
export type SignalBatchJob = z.infer<typeof SignalBatchJob>;

/**
 * Retry policy of a signal batch. Postgres can be down for a while; the job waits it out with
 * capped backoff instead of failing, because a batch holds acknowledged reports.
 */
export const SIGNAL_BATCH_ATTEMPTS = 100_000;
export const SIGNAL_BATCH_MAX_BACKOFF_MS = 30_000;

/** Delay before retry `attemptsMade`: exponential from 250 ms, capped, with full jitter. */
export function signalBatchBackoff(attemptsMade: number): number {
  const ceiling = Math.min(SIGNAL_BATCH_MAX_BACKOFF_MS, 250 * 2 ** Math.min(attemptsMade, 20));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
