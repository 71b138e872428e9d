import { createSignalsQueue, createWorkerRedis } from "@outcry/queue";
import { waitFor } from "@outcry/testing";
import type postgres from "postgres";
import { type ChaosSystem, QUEUE_PREFIX } from "./chaos-system.ts";
import { waitForNoOpenTransactions } from "./counted-audit.ts";

/**
 * Waits until the signals queue holds nothing left to apply, then until Postgres has no batch
 * transaction open. Resolves with the batches that failed for good: they hold acknowledged reports.
 */
export async function drainSignals(system: ChaosSystem, timeoutMs: number): Promise<{ failed: number }> {
  const connection = createWorkerRedis(system.redis?.url as string);
  connection.on("error", () => {});
  const queue = createSignalsQueue(connection, QUEUE_PREFIX);
  try {
    const counts = await waitFor(
      async () => {
        const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "failed");
        const pending =
          (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
        return pending === 0 && counts;
      },
      { timeoutMs, intervalMs: 100, what: "the signals queue to drain" },
    );
    await waitForNoOpenTransactions(system.sql as postgres.Sql);
    return { failed: counts.failed ?? 0 };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}
