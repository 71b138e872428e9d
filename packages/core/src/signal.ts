import { z } from "zod";
import { RegionCode, SubdivisionCode } from "./region.ts";
import { ServiceSlug } from "./service.ts";

export const SignalSource = z.enum(["report", "bluesky"]);
export type SignalSource = z.infer<typeof SignalSource>;

/** The public post a bluesky signal comes from: its URI makes counting it idempotent. */
export const PostRef = z.object({
  uri: z
    .string()
    .max(512)
    .regex(
      /^at:\/\/[^/\s]+\/app\.bsky\.feed\.post\/[^/\s]+$/,
      "must be an at:// URI of an app.bsky.feed.post",
    ),
  lang: z.string().max(16),
  /** The complaint model's probability. */
  score: z.number().min(0).max(1),
});
export type PostRef = z.infer<typeof PostRef>;

/**
 * One normalized unit of evidence that a service has a problem. Reports and matching posts both
 * become signals; everything downstream is source-agnostic, with the source kept as a dimension.
 */
export const Signal = z
  .object({
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
    post: PostRef.optional(),
  })
  .refine((signal) => (signal.source === "bluesky") === (signal.post !== undefined), {
    message: "a bluesky signal carries its post, and only a bluesky signal does",
    path: ["post"],
  });
export type Signal = z.infer<typeof Signal>;
