import { getConnInfo } from "@hono/node-server/conninfo";
import { createRoute, z } from "@hono/zod-openapi";
import { MAX_REPORT_BODY_BYTES, ReportInput } from "@outcry/core";
import type { Context, MiddlewareHandler, Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { App } from "../../app.ts";
import type { AppEnv } from "../../app-env.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";
import { clientAddress } from "../../intake/client-address.ts";

const Accepted = z
  .object({
    id: z.uuid(),
    service: z.string(),
    region: z.string(),
    counted: z.boolean().openapi({
      description: "false when this reporter already reported this service in the last 15 minutes",
    }),
    receivedAt: z.iso.datetime(),
  })
  .openapi("ReportAccepted");

const payloadTooLarge = () =>
  new ApiError({
    code: "payload_too_large",
    message: `body must be at most ${MAX_REPORT_BODY_BYTES} bytes`,
    field: "body",
  });

// Chunked bodies declare no length: Hono's streaming limit counts them (at the cost of a web
// stream per request, which is why declared lengths are checked without it).
const streamingLimit = bodyLimit({
  maxSize: MAX_REPORT_BODY_BYTES,
  onError: () => {
    throw payloadTooLarge();
  },
});

/**
 * Checks the envelope before the schema sees the body: JSON only, 4 KiB at most, well-formed.
 * One middleware rather than three, because this runs for every report.
 */
const jsonEnvelope: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header("content-type") ?? "")) {
    throw new ApiError({
      code: "unsupported_media_type",
      message: "content-type must be application/json",
      field: "content-type",
    });
  }
  const declared = c.req.header("content-length");
  if (declared === undefined || c.req.header("transfer-encoding") !== undefined) {
    return streamingLimit(c, () => parseJson(c, next));
  }
  // Node's parser never delivers more than a declared Content-Length.
  if (Number(declared) > MAX_REPORT_BODY_BYTES) throw payloadTooLarge();
  return parseJson(c, next);
};

async function parseJson(c: Context<AppEnv>, next: Next): Promise<void> {
  try {
    await c.req.json();
  } catch {
    throw new ApiError({ code: "invalid_json", message: "body is not valid JSON", field: "body" });
  }
  await next();
}

const route = createRoute({
  method: "post",
  path: "/v1/reports",
  tags: ["reports"],
  summary: "Report a problem with a service",
  description:
    "Counted once per reporter per service per 15 minutes; a repeat is accepted with counted: false. " +
    "Answered only once the report is safely queued.",
  middleware: [jsonEnvelope] as const,
  request: { body: { required: true, content: { "application/json": { schema: ReportInput } } } },
  responses: {
    202: { description: "Accepted", content: { "application/json": { schema: Accepted } } },
    413: errorResponse("Body over 4 KiB"),
    415: errorResponse("Not application/json"),
    422: errorResponse("Unknown service or problem type"),
    429: errorResponse("Too many reports from this address; see Retry-After"),
    ...openApiErrorResponses,
  },
});

export function registerCreateReport(app: App) {
  app.openapi(route, async (c) => {
    const deps = c.get("deps");
    const report = c.req.valid("json");
    const address = clientAddress(
      getConnInfo(c).remote.address,
      c.req.header("x-forwarded-for"),
      deps.trustProxyHops,
    );
    let result: Awaited<ReturnType<typeof deps.intake.submit>>;
    try {
      result = await deps.intake.submit(report, address);
    } catch (error) {
      deps.metrics.reports.inc({ outcome: "unavailable" });
      throw error;
    }
    switch (result.outcome) {
      case "rejected":
        deps.metrics.reports.inc({ outcome: "rejected" });
        throw new ApiError({
          code: result.field === "service" ? "unknown_service" : "unknown_problem",
          message: result.message,
          field: result.field,
        });
      case "rate_limited":
        deps.metrics.reports.inc({ outcome: "rate_limited" });
        throw new ApiError({
          code: "rate_limited",
          message: "too many reports from this address; slow down",
          retryAfter: Math.ceil(result.retryAfterMs / 1000),
        });
      case "accepted":
        deps.metrics.reports.inc({ outcome: result.counted ? "counted" : "duplicate" });
        return c.json(
          {
            id: result.id,
            service: report.service,
            region: report.region,
            counted: result.counted,
            receivedAt: new Date(result.at).toISOString(),
          },
          202,
        );
    }
  });
}
