import { describe, expect, it } from "vitest";
import { SIGNAL_BATCH_MAX_BACKOFF_MS, signalBatchBackoff } from "./signal-batch-job.ts";

describe("signalBatchBackoff", () => {
  it("starts small and, once capped, waits between half the cap and the cap", () => {
    expect(signalBatchBackoff(1)).toBeLessThanOrEqual(500);
    for (const attempts of [7, 10, 50, 10_000]) {
      const delay = signalBatchBackoff(attempts);
      expect(delay).toBeGreaterThanOrEqual(SIGNAL_BATCH_MAX_BACKOFF_MS / 2);
      expect(delay).toBeLessThanOrEqual(SIGNAL_BATCH_MAX_BACKOFF_MS);
    }
  });
});
