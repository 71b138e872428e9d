import { Catalog } from "../service.ts";
import seed from "./seed-services.json" with { type: "json" };

/** The catalog Outcry ships with, validated: a broken seed file fails at start-up, not later. */
export function loadSeedCatalog(): Catalog {
  return Catalog.parse(seed);
}
