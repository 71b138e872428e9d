import { z } from "zod";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Start of the UTC bucket of width `stepMs` that contains `at` (epoch ms), aligned to the epoch. */
export function alignDown(at: number, stepMs: number): number {
  return at - (((at % stepMs) + stepMs) % stepMs);
}

/** Start of the UTC minute that contains `at` (epoch ms). */
export function minuteBucket(at: number): number {
  return alignDown(at, MINUTE_MS);
}

/** Start of the UTC hour that contains `at` (epoch ms). */
export function hourBucket(at: number): number {
  return alignDown(at, HOUR_MS);
}

/** Series resolutions the API serves. Steps of an hour or more read the hour rollup. */
export const SeriesStep = z.enum(["1m", "5m", "15m", "1h", "1d"]);
export type SeriesStep = z.infer<typeof SeriesStep>;

export const STEP_MS: Readonly<Record<SeriesStep, number>> = {
  "1m": MINUTE_MS,
  "5m": 5 * MINUTE_MS,
  "15m": 15 * MINUTE_MS,
  "1h": HOUR_MS,
  "1d": DAY_MS,
};
