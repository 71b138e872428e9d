import { z } from "zod";
import { COUNTRIES } from "./countries.ts";

/** Region used when a signal's country is not known. ISO 3166-1 reserves ZZ for user assignment. */
export const UNKNOWN_REGION = "ZZ";

/** An ISO 3166-1 alpha-2 country code, or ZZ for unknown. Lower case is accepted and upper-cased. */
export const RegionCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine((code) => code === UNKNOWN_REGION || Object.hasOwn(COUNTRIES, code), {
    message: "must be an ISO 3166-1 alpha-2 country code (e.g. GB) or ZZ for unknown",
  });
export type RegionCode = z.infer<typeof RegionCode>;

/** An ISO 3166-2 subdivision code such as GB-ENG or US-CA. */
export const SubdivisionCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, "must be an ISO 3166-2 subdivision code (e.g. US-CA)");

/** English short name of a region, for labels and CSV. */
export function regionName(code: string): string {
  return code === UNKNOWN_REGION ? "Unknown" : (COUNTRIES[code] ?? code);
}
