import { RegionCode } from "@outcry/core";
import { geoPath, geoTransform } from "d3-geo";
import { feature } from "topojson-client";
import { describe, expect, it } from "vitest";
import { buildWorldMap, loadAtlas, RelativePathContext, regionOfShape } from "./world-map.ts";

describe("the world map", () => {
  const atlas = loadAtlas();
  const map = buildWorldMap(atlas);
  const shapes = (
    feature(atlas, "countries") as unknown as { features: Array<Parameters<typeof regionOfShape>[0]> }
  ).features;

  it("names every country of the atlas by the region code the API uses, Kosovo alone excepted", () => {
    const unnamed = shapes.filter((shape) => regionOfShape(shape) === undefined);
    expect(unnamed.map((shape) => shape.properties?.name)).toEqual(["Kosovo"]);
    for (const shape of shapes) {
      const region = regionOfShape(shape);
      if (region !== undefined) expect(RegionCode.safeParse(region).success, region).toBe(true);
    }
    expect(regionOfShape({ id: "826", properties: { name: "United Kingdom" } })).toBe("GB");
    expect(regionOfShape({ id: "840", properties: { name: "United States of America" } })).toBe("US");
    expect(regionOfShape({ properties: { name: "N. Cyprus" } })).toBe("CY");
  });

  it("draws each region once, under its code, and leaves Antarctica out", () => {
    const ids = [...map.svg.matchAll(/<path id="([A-Z]{2})"/g)].map((match) => match[1]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...map.regions].sort());
    expect(map.regions.has("GB")).toBe(true);
    expect(map.regions.has("AQ")).toBe(false);
    expect(map.svg).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 960 470"><g id="world">/,
    );
  });

  it("is small enough to load on a phone", () => {
    // About 42 KB plain and 12 KB gzipped: half of what d3's absolute paths would weigh.
    expect(map.svg.length).toBeLessThan(60_000);
  });
});

describe("the relative path context", () => {
  it("writes whole units relative to the last point, closing back to the start", () => {
    const context = new RelativePathContext();
    context.moveTo(10.4, 20.6);
    context.lineTo(15, 18);
    context.lineTo(15.2, 17.9); // rounds onto the same point: dropped
    context.lineTo(12, 25);
    context.closePath();
    context.moveTo(30, 30);
    context.lineTo(31, 29);
    context.closePath();
    expect(String(context)).toBe("m10,21 5-3-3,7zm20,9 1-1z");
  });

  it("draws the same outline d3 draws with absolute coordinates", () => {
    const square = {
      type: "Polygon" as const,
      coordinates: [
        [
          [0, 0],
          [0, 50],
          [50, 50],
          [50, 0],
          [0, 0],
        ],
      ],
    };
    const identity = geoTransform({
      point(x, y) {
        this.stream.point(x, y);
      },
    });
    const context = new RelativePathContext();
    geoPath(identity, context)(square);
    expect(geoPath(identity)(square)).toBe("M0,0L0,50L50,50L50,0Z");
    expect(String(context)).toBe("m0,0 0,50 50,0 0-50z");
  });
});
