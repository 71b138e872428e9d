import { describe, expect, it } from "vitest";
import { timeTicks, utcDateTime } from "./time-ticks.ts";

const at = (iso: string) => Date.parse(iso);

describe("timeTicks", () => {
  it("marks a day on round UTC hours, the date at midnight", () => {
    const ticks = timeTicks(at("2025-04-16T08:00:00Z"), at("2025-04-17T08:00:00Z"), 8);
    expect(ticks.map((tick) => tick.label)).toEqual([
      "09:00",
      "12:00",
      "15:00",
      "18:00",
      "21:00",
      "17 Apr",
      "03:00",
      "06:00",
    ]);
    expect(ticks[0]?.t).toBe(at("2025-04-16T09:00:00Z"));
  });

  it("marks weeks on Mondays", () => {
    const ticks = timeTicks(at("2025-03-18T00:00:00Z"), at("2025-04-17T00:00:00Z"), 5);
    expect(ticks.map((tick) => new Date(tick.t).getUTCDay())).toEqual([1, 1, 1, 1]);
    expect(ticks[0]?.label).toBe("24 Mar");
  });

  it("keeps within the tick budget even over years", () => {
    const ticks = timeTicks(at("2020-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"), 6);
    expect(ticks.length).toBeLessThanOrEqual(6);
    expect(ticks.length).toBeGreaterThan(1);
  });
});

describe("utcDateTime", () => {
  it("writes the day, month, year and clock in UTC", () => {
    expect(utcDateTime(at("2025-04-16T08:05:59Z"))).toBe("16 Apr 2025 08:05");
  });
});
