import { describe, expect, it } from "vitest";
import { parseProviderTime } from "./provider-time.ts";

const at = (iso: string) => Date.parse(iso);

describe("parseProviderTime", () => {
  it("reads ISO 8601 with any offset as the same instant in UTC", () => {
    expect(parseProviderTime("2025-04-16T12:38:04.123Z")).toBe(at("2025-04-16T12:38:04.123Z"));
    expect(parseProviderTime("2025-04-16T05:38:04.123-07:00")).toBe(at("2025-04-16T12:38:04.123Z"));
    expect(parseProviderTime("2025-04-16T18:08:04+05:30")).toBe(at("2025-04-16T12:38:04Z"));
    expect(parseProviderTime("2025-04-16T21:38:04+0900")).toBe(at("2025-04-16T12:38:04Z"));
    expect(parseProviderTime("2025-04-16 12:38:04.5+00")).toBe(at("2025-04-16T12:38:04.500Z"));
  });

  it("reads RFC 822 dates with numeric offsets and named zones", () => {
    expect(parseProviderTime("Wed, 16 Apr 2025 05:38:04 PDT")).toBe(at("2025-04-16T12:38:04Z"));
    expect(parseProviderTime("Wed, 16 Apr 2025 14:38:04 +0200")).toBe(at("2025-04-16T12:38:04Z"));
    expect(parseProviderTime("16 Apr 2025 12:38 GMT")).toBe(at("2025-04-16T12:38:00Z"));
    expect(parseProviderTime("Wed, 16 Apr 2025 14:38:04 CEST")).toBe(at("2025-04-16T12:38:04Z"));
    expect(parseProviderTime("Wed, 16 Apr 25 12:38:04 UT")).toBe(at("2025-04-16T12:38:04Z"));
  });

  it("reads a timestamp without a zone as UTC, wherever Outcry runs", () => {
    expect(parseProviderTime("2025-04-16T12:38:04")).toBe(at("2025-04-16T12:38:04Z"));
    expect(parseProviderTime("Wed, 16 Apr 2025 12:38:04")).toBe(at("2025-04-16T12:38:04Z"));
  });

  it("refuses what it cannot read for certain instead of guessing", () => {
    // IST is India, Ireland or Israel.
    expect(parseProviderTime("Wed, 16 Apr 2025 12:38:04 IST")).toBeUndefined();
    expect(parseProviderTime("2025-04-31T12:00:00Z")).toBeUndefined();
    expect(parseProviderTime("2025-04-16T25:00:00Z")).toBeUndefined();
    expect(parseProviderTime("yesterday")).toBeUndefined();
    expect(parseProviderTime("")).toBeUndefined();
    expect(parseProviderTime(null)).toBeUndefined();
  });
});
