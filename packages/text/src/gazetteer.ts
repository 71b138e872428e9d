import places from "./gazetteer/places.json" with { type: "json" };
import type { Gazetteer } from "./region-hints.ts";

/** Country and city names in the six languages the pipeline reads, per ISO 3166-1 code. */
export function loadGazetteer(): Gazetteer {
  return places;
}
