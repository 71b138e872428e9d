import { describe, expect, it } from "vitest";
import { ago, duration, utcDate, utcDateTime, utcSpan, utcTime } from "./time-format.ts";

const at = (iso: string) => Date.parse(iso);

describe("times said plainly, in UTC", () => {
  it("names the day, the month in words and the time", () => {
    expect(utcDate(at("2025-04-16T12:04:59Z"))).toBe("16 April 2025");
    expect(utcTime(at("2025-04-16T09:04:59Z"))).toBe("09:04 UTC");
    expect(utcDateTime(at("2025-04-16T23:59:00-02:00"))).toBe("17 April 2025, 01:59 UTC");
  });

  it("gives a span within a day once, across midnight in full, and an open one from its start", () => {
    expect(utcSpan(at("2025-04-16T12:00:00Z"), at("2025-04-16T16:08:00Z"))).toBe(
      "16 April 2025, 12:00–16:08 UTC",
    );
    expect(utcSpan(at("2025-04-16T23:50:00Z"), at("2025-04-17T00:20:00Z"))).toBe(
      "16 April 2025, 23:50 UTC – 17 April 2025, 00:20 UTC",
    );
    expect(utcSpan(at("2025-04-16T12:00:00Z"), undefined)).toBe("since 16 April 2025, 12:00 UTC");
  });

  it("says how long, to the minute", () => {
    expect(duration(48 * 60_000)).toBe("48 min");
    expect(duration(192 * 60_000)).toBe("3 h 12 min");
    expect(duration(120 * 60_000)).toBe("2 h");
    expect(duration(52 * 3_600_000)).toBe("2 days 4 h");
  });

  it("says how long ago, then the date", () => {
    const now = at("2025-04-16T12:00:00Z");
    expect(ago(now - 20_000, now)).toBe("just now");
    expect(ago(now - 5 * 60_000, now)).toBe("5 min ago");
    expect(ago(now - 3 * 3_600_000, now)).toBe("3 h ago");
    expect(ago(now - 3 * 86_400_000, now)).toBe("13 April 2025");
  });
});
