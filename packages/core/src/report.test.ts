import { describe, expect, it } from "vitest";
import { regionName } from "./region.ts";
import { ReportInput } from "./report.ts";

const valid = { service: "spotify", problem: "login", region: "GB" };

describe("ReportInput", () => {
  it("accepts a minimal report and upper-cases the region", () => {
    expect(ReportInput.parse({ ...valid, region: "gb" }).region).toBe("GB");
  });

  it("accepts ZZ for an unknown region", () => {
    expect(ReportInput.parse({ ...valid, region: "ZZ" }).region).toBe("ZZ");
  });

  it.each([
    ["region", { ...valid, region: "XX" }],
    ["region", { ...valid, region: "GBR" }],
    ["service", { ...valid, service: "Spotify!" }],
    ["subdivision", { ...valid, subdivision: "US-CA" }],
    ["subdivision", { ...valid, subdivision: "england" }],
    ["comment", { ...valid, comment: "x".repeat(501) }],
  ])("rejects a bad %s", (field, input) => {
    const result = ReportInput.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it("rejects fields it does not know", () => {
    expect(ReportInput.safeParse({ ...valid, ip: "1.2.3.4" }).success).toBe(false);
  });

  it("keeps a subdivision of the report's own region", () => {
    expect(ReportInput.parse({ ...valid, subdivision: "gb-eng" }).subdivision).toBe("GB-ENG");
  });
});

describe("regionName", () => {
  it("names countries and the unknown region", () => {
    expect(regionName("GB")).toBe("United Kingdom");
    expect(regionName("ZZ")).toBe("Unknown");
  });
});
