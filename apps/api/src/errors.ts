import { z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export const ErrorCode = z.enum([
  "invalid_request",
  "invalid_json",
  "unsupported_media_type",
  "payload_too_large",
  "unknown_service",
  "unknown_problem",
  "unauthorized",
  "forbidden",
  "not_found",
  "conflict",
  "rate_limited",
  "unavailable",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** Every error code has exactly one status; the switch is exhaustive so a new code must pick one. */
export function statusOf(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "invalid_request":
    case "invalid_json":
      return 400;
    case "unauthorized":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
      return 404;
    case "conflict":
      return 409;
    case "payload_too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "unknown_service":
    case "unknown_problem":
      return 422;
    case "rate_limited":
      return 429;
    case "unavailable":
      return 503;
    case "internal":
      return 500;
  }
}

/** The one error shape every route answers with. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      field: z.string().optional().openapi({ description: "The request field at fault, when one is." }),
      requestId: z.string(),
    }),
  })
  .openapi("Error");

export interface ApiErrorOptions {
  code: ErrorCode;
  message: string;
  field?: string | undefined;
  /** Seconds, sent as Retry-After (429 and 503). */
  retryAfter?: number | undefined;
}

export class ApiError extends HTTPException {
  override name = "ApiError";
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly retryAfter: number | undefined;
  constructor(options: ApiErrorOptions) {
    super(statusOf(options.code), { message: options.message });
    this.code = options.code;
    this.field = options.field;
    this.retryAfter = options.retryAfter;
  }
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorBody } },
});

/** Spread into every route's responses so the OpenAPI document lists the errors it can return. */
export const openApiErrorResponses = {
  400: errorResponse("The request is malformed; `field` names the culprit."),
  500: errorResponse("An unexpected error; the request id helps find it in the logs."),
  503: errorResponse("A dependency is unavailable; retry after the Retry-After seconds."),
} as const;
export { errorResponse };
