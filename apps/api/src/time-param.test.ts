import { describe, expect, it } from "vitest";
import { TimeParam } from "./time-param.ts";

describe("TimeParam", () => {
  it("reads ISO 8601, epoch seconds and epoch milliseconds", () => {
    expect(TimeParam.parse("2025-04-16T12:00:00Z")).toBe(Date.UTC(2025, 3, 16, 12));
    expect(TimeParam.parse("1744804800")).toBe(Date.UTC(2025, 3, 16, 12));
    expect(TimeParam.parse("1744804800000")).toBe(Date.UTC(2025, 3, 16, 12));
  });

  // Found by the malformed-requests test: a finite number past what a Date holds answered 500.
  it("refuses a time past the range of a date, rather than failing later", () => {
    expect(TimeParam.safeParse("99999999999999999999").success).toBe(false);
    expect(TimeParam.safeParse("8640000000000001").success).toBe(false);
    expect(TimeParam.safeParse("not a time").success).toBe(false);
  });
});
