import { describe, expect, it } from "vitest";
import { countTicks } from "./count-ticks.ts";

describe("countTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten, the last tick at or above the maximum", () => {
    expect(countTicks(48, 5)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(countTicks(50, 5)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(countTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
    expect(countTicks(48_000, 4)).toEqual([0, 20_000, 40_000, 60_000]);
  });

  it("never steps by less than one: counts are whole", () => {
    expect(countTicks(2, 8)).toEqual([0, 1, 2]);
  });

  it("gives an axis from 0 to 1 for a series of zeros", () => {
    expect(countTicks(0, 5)).toEqual([0, 1]);
  });
});
