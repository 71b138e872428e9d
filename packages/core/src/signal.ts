import { z } from "zod";
import { RegionCode, SubdivisionCode } from "./region.ts";
import { ServiceSlug } from "./service.ts";

export const SignalSource = z.enum(["report", "bluesky"]);
export type SignalSource = z.infer<typeof SignalSource>;

/**
 * One normalized unit of evidence that a service has a problem. Reports and matching posts both
 * become signals; everything downstream is source-agnostic, with the source kept as a dimension.
 */
export const Signal = z.object({
  id: z.uuid(),
  service: ServiceSlug,
  region: RegionCode,
  source: SignalSource,
  /** When it happened, epoch milliseconds. */
  at: z.number().int().nonnegative(),
  problem: z.string().max(32).optional(),
  /** Keyed hash identifying the reporter (never a raw address). */
  reporter: z.string().max(64).optional(),
  subdivision: SubdivisionCode.optional(),
  city: z.string().max(100).optional(),
  text: z.string().max(3000).optional(),
});
export type Signal = z.infer<typeof Signal>;
