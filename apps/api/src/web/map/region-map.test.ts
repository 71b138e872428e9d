import { describe, expect, it } from "vitest";
import { regionMap, shadeLevels } from "./region-map.ts";

describe("shading the map", () => {
  it("shades on a log scale against the busiest region, so a few reports still show", () => {
    const levels = shadeLevels([
      { region: "US", count: 1000 },
      { region: "GB", count: 30 },
      { region: "IE", count: 1 },
      { region: "FR", count: 0 },
    ]);
    expect(levels.get("US")).toBe(5);
    expect(levels.get("GB")).toBe(3);
    expect(levels.get("IE")).toBe(1);
    expect(levels.has("FR")).toBe(false);
  });

  it("draws the world once and each region with signals over it, titled with its count", () => {
    const svg = String(
      regionMap({
        mapUrl: "/assets/v1/world.svg",
        counts: [
          { region: "GB", count: 12 },
          { region: "DE", count: 1 },
        ],
        label: "Map",
      }),
    );
    expect(svg).toContain('<use href="/assets/v1/world.svg#world" class="land"/>');
    expect(svg).toContain(
      '<use href="/assets/v1/world.svg#GB" class="shade-5"><title>United Kingdom: 12 signals</title></use>',
    );
    expect(svg).toContain("<title>Germany: 1 signal</title>");
  });

  it("escapes its label", () => {
    const svg = String(regionMap({ mapUrl: "/m.svg", counts: [], label: '"><script>alert(1)</script>' }));
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("&quot;&gt;&lt;script&gt;");
  });
});
