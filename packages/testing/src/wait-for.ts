import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `condition` until it returns true (or a truthy value, which is returned), failing after
 * the deadline with a message naming what was awaited. Tests synchronise with this, never a sleep.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<Exclude<T, false | null | undefined | 0 | "">> {
  const { timeoutMs = 10_000, intervalMs = 25, what = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as Exclude<T, false | null | undefined | 0 | "">;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await sleep(intervalMs);
  }
}
