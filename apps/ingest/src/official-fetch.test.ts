import { describe, expect, it } from "vitest";
import { retryAfter } from "./official-fetch.ts";

describe("retryAfter", () => {
  it("reads seconds or an HTTP date, and nothing else", () => {
    const now = Date.parse("2025-04-16T12:00:00Z");
    expect(retryAfter("120", now)).toBe(120_000);
    expect(retryAfter("Wed, 16 Apr 2025 12:00:30 GMT", now)).toBe(30_000);
    expect(retryAfter("Wed, 16 Apr 2025 11:59:00 GMT", now)).toBe(0);
    expect(retryAfter("soon", now)).toBeUndefined();
    expect(retryAfter(null, now)).toBeUndefined();
  });
});
