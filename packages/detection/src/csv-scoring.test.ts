import { describe, expect, it } from "vitest";
import { CsvScorer, inferBucketMs, parseTimestamp } from "./csv-scoring.ts";

describe("parseTimestamp", () => {
  it("reads ISO 8601 and plain UTC date-times", () => {
    expect(parseTimestamp("2025-04-16T12:00:00Z")).toBe(Date.parse("2025-04-16T12:00:00Z"));
    expect(parseTimestamp("2025-04-16T14:00:00+02:00")).toBe(Date.parse("2025-04-16T12:00:00Z"));
    expect(parseTimestamp("2025-04-16 12:00:00")).toBe(Date.parse("2025-04-16T12:00:00Z"));
    expect(parseTimestamp('"2025-04-16 12:00"')).toBe(Date.parse("2025-04-16T12:00:00Z"));
  });

  it("refuses what is not a timestamp", () => {
    expect(() => parseTimestamp("yesterday")).toThrow("not a timestamp");
    expect(() => parseTimestamp("1713268800")).toThrow("not a timestamp");
  });
});

describe("CsvScorer", () => {
  it("infers the bucket width from the smallest step", () => {
    expect(inferBucketMs([0, 300_000, 900_000, 1_200_000])).toBe(300_000);
  });

  it("scores every row, low for the ordinary and high for a spike, from the past only", () => {
    const scorer = new CsvScorer({ inferFrom: 10 });
    const rows = [];
    const start = Date.parse("2025-01-01T00:00:00Z");
    for (let i = 0; i < 600; i++) rows.push(...scorer.push(start + i * 300_000, 20 + (i % 5)));
    rows.push(...scorer.push(start + 600 * 300_000, 400));
    rows.push(...scorer.flush());
    expect(rows).toHaveLength(601);
    expect(Math.max(...rows.slice(100, 600).map((row) => row.score))).toBeLessThan(0.4);
    expect(rows.at(-1)?.score).toBe(1);
    // Causal: the score of a row does not change when later rows differ.
    const again = new CsvScorer({ inferFrom: 10 });
    const prefix = [];
    for (let i = 0; i < 600; i++) prefix.push(...again.push(start + i * 300_000, 20 + (i % 5)));
    expect(prefix.map((row) => row.score)).toEqual(rows.slice(0, prefix.length).map((row) => row.score));
  });
});
