import { describe, expect, it } from "vitest";
import { addressIdentity, clientAddress } from "./client-address.ts";
import { reporterKey } from "./reporter-key.ts";

describe("clientAddress", () => {
  it("uses the socket address when no proxy is trusted, whatever the header says", () => {
    expect(clientAddress("10.0.0.5", "1.2.3.4", 0)).toBe("10.0.0.5");
  });

  it("takes the address the trusted proxy saw, not what the client wrote further left", () => {
    expect(clientAddress("10.0.0.5", "6.6.6.6, 1.2.3.4", 1)).toBe("1.2.3.4");
    expect(clientAddress("10.0.0.5", "6.6.6.6, 1.2.3.4, 10.0.0.9", 2)).toBe("1.2.3.4");
  });

  it("falls back to the socket when the header is missing", () => {
    expect(clientAddress("10.0.0.5", undefined, 1)).toBe("10.0.0.5");
  });
});

describe("addressIdentity", () => {
  it("unwraps IPv4-mapped IPv6", () => {
    expect(addressIdentity("::ffff:192.0.2.7")).toBe("192.0.2.7");
  });

  it("treats a whole IPv6 /64 as one reporter", () => {
    expect(addressIdentity("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(addressIdentity("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(addressIdentity("2001:db8::1")).toBe("2001:db8:0:0::/64");
  });
});

describe("reporterKey", () => {
  it("is stable for one secret and differs across secrets, never showing the address", () => {
    const key = reporterKey("s".repeat(32), "192.0.2.7");
    expect(reporterKey("s".repeat(32), "192.0.2.7")).toBe(key);
    expect(reporterKey("t".repeat(32), "192.0.2.7")).not.toBe(key);
    expect(key).not.toContain("192");
    expect(key).toHaveLength(22);
  });
});
