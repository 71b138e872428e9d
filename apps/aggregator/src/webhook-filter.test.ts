import { describe, expect, it } from "vitest";
import { webhookWants } from "./webhook-filter.ts";

const incident = { type: "incident.opened", service: "spotify", region: "*" };
const regional = { type: "incident.opened", service: "spotify", region: "GB" };
const unusual = {
  type: "service.status",
  service: "spotify",
  region: "*",
  status: "possible",
  previous: "ok",
};
const calm = { type: "service.status", service: "spotify", region: "*", status: "ok", previous: "possible" };
const everything = { services: [], regions: [], minStatus: "problems" as const };

describe("which events a webhook wants", () => {
  it("takes incidents everywhere by default, and never the minute counts", () => {
    expect(webhookWants(everything, incident)).toBe(true);
    expect(webhookWants(everything, regional)).toBe(true);
    expect(webhookWants(everything, { type: "counts", minute: 0, services: [] })).toBe(false);
  });

  it("takes the official word and the unacknowledged flag like incidents", () => {
    expect(webhookWants(everything, { type: "official.changed", service: "github", region: "*" })).toBe(true);
    expect(
      webhookWants(everything, { type: "incident.unacknowledged", service: "github", region: "*" }),
    ).toBe(true);
    expect(
      webhookWants({ ...everything, services: ["spotify"] }, { type: "official.changed", service: "github" }),
    ).toBe(false);
  });

  it("takes status changes only from minStatus possible, in both directions", () => {
    expect(webhookWants(everything, unusual)).toBe(false);
    const early = { ...everything, minStatus: "possible" as const };
    expect(webhookWants(early, unusual)).toBe(true);
    expect(webhookWants(early, calm)).toBe(true);
    expect(webhookWants(early, incident)).toBe(true);
  });

  it("filters by service and by region, * being a service as a whole", () => {
    expect(webhookWants({ ...everything, services: ["netflix"] }, incident)).toBe(false);
    expect(webhookWants({ ...everything, services: ["netflix", "spotify"] }, incident)).toBe(true);
    expect(webhookWants({ ...everything, regions: ["*"] }, incident)).toBe(true);
    expect(webhookWants({ ...everything, regions: ["*"] }, regional)).toBe(false);
    expect(webhookWants({ ...everything, regions: ["GB", "IE"] }, regional)).toBe(true);
  });
});
