import { createRoute, z } from "@hono/zod-openapi";
import { DAY_MS, HOUR_MS, RegionCode, ServiceSlug, SignalSource } from "@outcry/core";
import { problemCounts, whileAvailable } from "@outcry/db";
import type { App } from "../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";
import { TimeParam } from "../../time-param.ts";
import { findService } from "./find-service.ts";

// Shares over more than a week mix unrelated incidents; the raw rows also get expensive.
const MAX_RANGE_MS = 7 * DAY_MS;

const ProblemShares = z
  .object({
    service: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    region: z.string().nullable(),
    source: z.string(),
    total: z.number().int().openapi({ description: "Reports and posts that named a problem" }),
    problems: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        count: z.number().int(),
        share: z.number().min(0).max(1),
      }),
    ),
  })
  .openapi("ProblemShares");

const route = createRoute({
  method: "get",
  path: "/v1/services/{slug}/problems",
  tags: ["services"],
  summary: "What people say is broken: the share of each of the service's problem types",
  request: {
    params: z.object({ slug: ServiceSlug }),
    query: z.object({
      from: TimeParam.optional().openapi({ description: "Start (inclusive); default: an hour before `to`." }),
      to: TimeParam.optional().openapi({ description: "End (exclusive); default: now." }),
      region: RegionCode.optional().openapi({
        description: "ISO 3166-1 alpha-2 or ZZ; default: all regions.",
      }),
      source: z.enum(["all", ...SignalSource.options]).default("all"),
    }),
  },
  responses: {
    200: {
      description: "Every problem type of the service, most named first, zeros included",
      content: { "application/json": { schema: ProblemShares } },
    },
    404: errorResponse("No such service"),
    ...openApiErrorResponses,
  },
});

export function registerServiceProblems(app: App) {
  app.openapi(route, async (c) => {
    const { slug } = c.req.valid("param");
    const query = c.req.valid("query");
    const deps = c.get("deps");
    const service = findService(deps, slug);
    const to = query.to ?? Date.now();
    const from = query.from ?? to - HOUR_MS;
    if (from >= to)
      throw new ApiError({ code: "invalid_request", message: "from must be before to", field: "from" });
    if (to - from > MAX_RANGE_MS) {
      throw new ApiError({
        code: "invalid_request",
        message: "the range may span at most 7 days",
        field: "from",
      });
    }
    const counts = await whileAvailable(() =>
      problemCounts(deps.db, { service: slug, from, to, region: query.region, source: query.source }),
    );
    const byId = new Map(counts.map((row) => [row.problem, row.count]));
    const total = counts.reduce((sum, row) => sum + row.count, 0);
    // Every problem type the catalog lists, in the order people name them; a retired type that
    // still has reports keeps its id as its label.
    const known = service.problems.map((problem) => ({
      id: problem.id,
      label: problem.label,
      count: byId.get(problem.id) ?? 0,
    }));
    const retired = counts
      .filter((row) => !service.problems.some((problem) => problem.id === row.problem))
      .map((row) => ({ id: row.problem, label: row.problem, count: row.count }));
    const problems = [...known, ...retired]
      .sort((a, b) => b.count - a.count)
      .map((problem) => ({ ...problem, share: total > 0 ? problem.count / total : 0 }));
    c.header("Cache-Control", "public, max-age=15");
    return c.json(
      {
        service: slug,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        region: query.region ?? null,
        source: query.source,
        total,
        problems,
      },
      200,
    );
  });
}
