import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type GeoContext, type GeoPermissibleObjects, geoNaturalEarth1, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import { ATLAS_ID_REGIONS, ATLAS_NAME_REGIONS } from "./atlas-regions.ts";

/** The map's drawing size, in SVG user units: about one unit per CSS pixel on a laptop. */
export const MAP_WIDTH = 960;
export const MAP_HEIGHT = 470;

/** Antarctica takes a fifth of the height and has no one reporting outages. */
const LEFT_OUT = new Set(["AQ"]);

export interface WorldMap {
  /** A standalone SVG document: one `<g id="world">` of country paths, each with its region's id. */
  svg: string;
  /** Every region code the map can shade. */
  regions: ReadonlySet<string>;
}

type Topology = Parameters<typeof feature>[0];
type Countries = GeoJSON.FeatureCollection<GeoJSON.GeometryObject, { name: string }>;

/** The world-atlas countries at 1:110m, as shipped by the package (TopoJSON, about 100 KiB). */
export function loadAtlas(): Topology {
  const require = createRequire(import.meta.url);
  return JSON.parse(readFileSync(require.resolve("world-atlas/countries-110m.json"), "utf8")) as Topology;
}

/**
 * Projects the atlas once into an SVG of country outlines: Natural Earth projection, coordinates
 * rounded to whole units and written relative to the previous point (half the bytes of d3's
 * absolute paths). Countries carry no fill of their own, so a page styles each `<use>` of them.
 */
export function buildWorldMap(atlas: Topology): WorldMap {
  // Named by string, the object's type is not known to the typings: it is a GeometryCollection.
  const countries = feature(atlas, "countries") as unknown as Countries;
  const shapes = countries.features.filter((shape) => !LEFT_OUT.has(regionOfShape(shape) ?? ""));
  const projection = geoNaturalEarth1().fitSize([MAP_WIDTH, MAP_HEIGHT], {
    type: "FeatureCollection",
    features: shapes,
  } as GeoPermissibleObjects);
  // One path per region: shapes the atlas draws apart (Northern Cyprus) join their country's.
  const byRegion = new Map<string, RelativePathContext>();
  const unshaded: RelativePathContext[] = [];
  for (const shape of shapes) {
    const region = regionOfShape(shape);
    let context = region === undefined ? undefined : byRegion.get(region);
    if (!context) {
      context = new RelativePathContext();
      if (region === undefined) unshaded.push(context);
      else byRegion.set(region, context);
    }
    geoPath(projection, context)(shape);
  }
  const paths = [...byRegion]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([region, context]) => `<path id="${region}" d="${context}"/>`);
  paths.push(...unshaded.map((context) => `<path d="${context}"/>`));
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}">` +
    `<g id="world">${paths.join("")}</g></svg>`;
  return { svg, regions: new Set(byRegion.keys()) };
}

/** The region code of an atlas shape, or undefined for one without (Kosovo). */
export function regionOfShape(shape: { id?: string | number; properties: { name: string } | null }) {
  return shape.id !== undefined
    ? ATLAS_ID_REGIONS[String(shape.id)]
    : ATLAS_NAME_REGIONS[shape.properties?.name ?? ""];
}

/** A d3-geo path context that writes compact SVG path data: integers, relative moves and lines. */
export class RelativePathContext implements GeoContext {
  #d = "";
  #x = 0;
  #y = 0;
  #startX = 0;
  #startY = 0;
  #pendingLine = false;

  beginPath(): void {}

  moveTo(x: number, y: number): void {
    const rx = Math.round(x);
    const ry = Math.round(y);
    this.#d += `m${pair(rx - this.#x, ry - this.#y)}`;
    this.#x = this.#startX = rx;
    this.#y = this.#startY = ry;
    // After a moveto, further pairs are implicit linetos.
    this.#pendingLine = true;
  }

  lineTo(x: number, y: number): void {
    const rx = Math.round(x);
    const ry = Math.round(y);
    if (rx === this.#x && ry === this.#y) return;
    const next = pair(rx - this.#x, ry - this.#y);
    this.#d += this.#pendingLine ? (next.startsWith("-") ? next : ` ${next}`) : `l${next}`;
    this.#pendingLine = true;
    this.#x = rx;
    this.#y = ry;
  }

  closePath(): void {
    this.#d += "z";
    this.#x = this.#startX;
    this.#y = this.#startY;
    this.#pendingLine = false;
  }

  arc(): void {
    // Countries are polygons; d3 draws arcs only for point geometries.
  }

  toString(): string {
    return this.#d;
  }
}

function pair(dx: number, dy: number): string {
  return dy < 0 ? `${dx}${dy}` : `${dx},${dy}`;
}
