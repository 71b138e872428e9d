import { z } from "@hono/zod-openapi";

// Epoch values above this are milliseconds, below it seconds (10^11 s is the year 5138).
const EPOCH_MS_THRESHOLD = 1e11;
/** The most a Date holds (ECMAScript: ±10^8 days from 1970); past it, every date method throws. */
const MAX_DATE_MS = 8.64e15;

/** A point in time as ISO 8601 or epoch seconds/milliseconds, parsed to epoch ms. */
export const TimeParam = z
  .string()
  .transform((value, ctx) => {
    const at = /^\d+(\.\d+)?$/.test(value)
      ? Number(value) < EPOCH_MS_THRESHOLD
        ? Number(value) * 1000
        : Number(value)
      : /^\d{4}-\d{2}-\d{2}/.test(value)
        ? Date.parse(value)
        : Number.NaN;
    if (!Number.isFinite(at) || Math.abs(at) > MAX_DATE_MS) {
      ctx.addIssue({ code: "custom", message: "must be ISO 8601 (2025-04-16T12:00:00Z) or epoch seconds" });
      return z.NEVER;
    }
    return Math.round(at);
  })
  .openapi({ type: "string", example: "2025-04-16T12:00:00Z" });
