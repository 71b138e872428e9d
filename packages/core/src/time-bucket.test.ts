import { describe, expect, it } from "vitest";
import { alignDown, HOUR_MS, hourBucket, MINUTE_MS, minuteBucket } from "./time-bucket.ts";

describe("time buckets", () => {
  const at = Date.parse("2025-04-16T12:34:56.789Z");

  it("puts a moment in its UTC minute and hour", () => {
    expect(new Date(minuteBucket(at)).toISOString()).toBe("2025-04-16T12:34:00.000Z");
    expect(new Date(hourBucket(at)).toISOString()).toBe("2025-04-16T12:00:00.000Z");
  });

  it("keeps a bucket start where it is", () => {
    const start = Date.parse("2025-04-16T12:34:00Z");
    expect(minuteBucket(start)).toBe(start);
  });

  it("aligns to the epoch for any step, also before 1970", () => {
    expect(alignDown(at, 15 * MINUTE_MS)).toBe(Date.parse("2025-04-16T12:30:00Z"));
    expect(alignDown(-1, HOUR_MS)).toBe(-HOUR_MS);
  });
});
