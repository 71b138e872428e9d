import { regionName } from "@outcry/core";
import type { HtmlEscapedString } from "hono/utils/html";
import { markup } from "../markup.ts";
import { MAP_HEIGHT, MAP_WIDTH } from "./world-map.ts";

/** Shades of the map, from the lightest (a few signals) to the darkest (the busiest region). */
export const SHADE_LEVELS = 5;

export interface RegionCount {
  region: string;
  count: number;
}

/**
 * A shade from 1 to SHADE_LEVELS for every region with signals, on a log scale against the busiest
 * one: counts span orders of magnitude (a thousand in the US, three in Ireland) and a linear scale
 * would leave all but one country blank. The browser script mirrors this for live updates.
 */
export function shadeLevels(counts: readonly RegionCount[]): Map<string, number> {
  const max = Math.max(0, ...counts.map((entry) => entry.count));
  const levels = new Map<string, number>();
  for (const { region, count } of counts) {
    if (count <= 0) continue;
    levels.set(region, Math.max(1, Math.ceil((SHADE_LEVELS * Math.log1p(count)) / Math.log1p(max))));
  }
  return levels;
}

/**
 * The map of a window's signals as inline SVG: the world drawn once from the cached map asset, and
 * over it each region with signals, shaded. Regions the map cannot draw (ZZ, unknown) are left to
 * the list beside it.
 */
export function regionMap(options: {
  mapUrl: string;
  counts: readonly RegionCount[];
  label: string;
}): HtmlEscapedString {
  const levels = shadeLevels(options.counts);
  const shaded = options.counts
    .filter((entry) => levels.has(entry.region))
    .map(
      (entry) =>
        markup`<use href="${options.mapUrl}#${entry.region}" class="shade-${levels.get(entry.region)}"><title>${regionName(entry.region)}: ${entry.count} ${entry.count === 1 ? "signal" : "signals"}</title></use>`,
    );
  return markup`<svg class="world-map" viewBox="0 0 ${MAP_WIDTH} ${MAP_HEIGHT}" role="img" aria-label="${options.label}" data-map-url="${options.mapUrl}"><use href="${options.mapUrl}#world" class="land"/><g class="shades">${shaded}</g></svg>`;
}
