import { randomUUID } from "node:crypto";
import { OpenAPIHono } from "@hono/zod-openapi";
import { DependencyUnavailableError } from "@outcry/core";
import { isDatabaseUnavailable } from "@outcry/db";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import type { ApiDeps, AppEnv } from "./app-env.ts";
import { ApiError, type ErrorCode, statusOf } from "./errors.ts";
import { responseCache } from "./response-cache.ts";
import { registerCreateApiKey } from "./routes/admin/keys/create.ts";
import { registerListApiKeys } from "./routes/admin/keys/list.ts";
import { registerRevokeApiKey } from "./routes/admin/keys/revoke.ts";
import { registerDocsPage } from "./routes/docs/docs-page.ts";
import { registerHealthz } from "./routes/health/healthz.ts";
import { registerMetrics } from "./routes/health/metrics.ts";
import { registerReadyz } from "./routes/health/readyz.ts";
import { registerGetIncident } from "./routes/incidents/get.ts";
import { registerListIncidents } from "./routes/incidents/list.ts";
import { registerCreateReport } from "./routes/reports/create.ts";
import { registerServiceChartSvg } from "./routes/services/chart-svg.ts";
import { registerCreateService } from "./routes/services/create.ts";
import { registerGetService } from "./routes/services/get.ts";
import { registerListServices } from "./routes/services/list.ts";
import { registerServicePosts } from "./routes/services/posts.ts";
import { registerServiceProblems } from "./routes/services/problems.ts";
import { registerServiceRegions } from "./routes/services/regions.ts";
import { registerServiceSeries } from "./routes/services/series.ts";
import { registerUpdateService } from "./routes/services/update.ts";
import { registerAcknowledgementStats } from "./routes/stats/acknowledgement.ts";
import { registerStream } from "./routes/stream.ts";
import { registerCreateWebhook } from "./routes/webhooks/create.ts";
import { registerDeleteWebhook } from "./routes/webhooks/delete.ts";
import { registerWebhookDeliveries } from "./routes/webhooks/deliveries.ts";
import { registerListWebhooks } from "./routes/webhooks/list.ts";
import { registerPingWebhook } from "./routes/webhooks/ping.ts";
import { registerWebPages } from "./web/register-web-pages.ts";

/** Seconds a client should wait before retrying while a dependency is down. */
const UNAVAILABLE_RETRY_AFTER_S = 5;

export type App = OpenAPIHono<AppEnv>;

/** Builds the HTTP app: production and tests both use this, with real dependencies. */
export function newApp(deps: ApiDeps): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  // Routes query `deps.db`; a public read gets deps whose db is the replica, so no route has to
  // choose, and no write can reach the replica by mistake.
  const readDeps: ApiDeps = deps.readDb ? { ...deps, db: deps.readDb } : deps;

  app.use(async (c, next) => {
    c.set("requestId", requestIdOf(c.req.header("x-request-id")));
    c.set("deps", isPublicRead(c.req.method, c.req.path) ? readDeps : deps);
    const started = performance.now();
    await next();
    // On shutdown a keep-alive client would go on sending requests on its open socket; tell it
    // to reconnect (to another replica) instead.
    if (deps.draining?.() && c.env?.outgoing) c.env.outgoing.shouldKeepAlive = false;
    if (deps.logRequests) {
      deps.logger.info(
        {
          requestId: c.get("requestId"),
          method: c.req.method,
          path: c.req.path,
          status: c.res.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
        },
        "request",
      );
    }
  });

  // Public reads only: the stream, intake and admin routes are not under these paths or not GETs.
  const cache = responseCache({ ttlMs: deps.responseCacheMs ?? 0 });
  // "/x/*" also matches "/x" itself: one registration per tree, or a request would meet the cache
  // twice and wait on its own computation.
  for (const path of ["/v1/services/*", "/v1/incidents/*"]) app.use(path, cache);

  registerHealthz(app);
  registerReadyz(app);
  registerMetrics(app);
  registerCreateReport(app);
  registerListServices(app);
  registerGetService(app);
  registerServiceSeries(app);
  registerServiceChartSvg(app);
  registerServicePosts(app);
  registerServiceProblems(app);
  registerServiceRegions(app);
  registerStream(app);
  registerListIncidents(app);
  registerGetIncident(app);
  registerAcknowledgementStats(app);
  registerCreateService(app);
  registerUpdateService(app);
  registerCreateApiKey(app);
  registerListApiKeys(app);
  registerRevokeApiKey(app);
  registerCreateWebhook(app);
  registerListWebhooks(app);
  registerDeleteWebhook(app);
  registerWebhookDeliveries(app);
  registerPingWebhook(app);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An admin key (`ocy_...`), created with `outcry keys create` or POST /v1/admin/keys.",
  });

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Outcry API",
      version: "1",
      description: "Public outage reports and social signals, counted per service, region and minute.",
    },
  });

  registerDocsPage(app);
  registerWebPages(app);

  app.notFound((c) =>
    errorJson(c, new ApiError({ code: "not_found", message: `no route ${c.req.method} ${c.req.path}` })),
  );
  app.onError((error, c) => errorJson(c, toApiError(error, c)));
  return app;
}

/**
 * GETs outside the admin and webhook routes: the public queries (services, series, charts, regions,
 * problems, posts, incidents, stats) and pages. Admin and webhook reads stay on the primary, where an
 * admin sees what they just wrote; a replica may lag behind it.
 */
function isPublicRead(method: string, path: string): boolean {
  if (method !== "GET" && method !== "HEAD") return false;
  return !/^\/v1\/(admin|webhooks)(\/|$)/.test(path);
}

/** Turns a zod failure on any request part into a 400 naming the field. */
function validationHook(result: { success: boolean; error?: z.ZodError; target: string }) {
  if (result.success || !result.error) return;
  const issue = result.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const unrecognized = issue?.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  // A failure of the whole body (not an object at all) names the body, as the JSON checks do.
  const field =
    unrecognized ?? (path.length > 0 ? path.join(".") : result.target === "json" ? "body" : result.target);
  const message =
    issue?.code === "unrecognized_keys"
      ? `unknown field "${unrecognized}"`
      : `${field}: ${issue?.message ?? "invalid"}`;
  throw new ApiError({ code: "invalid_request", message, field });
}

function toApiError(error: Error, c: Context<AppEnv>): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DependencyUnavailableError || isDatabaseUnavailable(error)) {
    const dependency = error instanceof DependencyUnavailableError ? error.dependency : "postgres";
    c.get("deps").logger.warn({ err: error, requestId: c.get("requestId") }, `${dependency} unavailable`);
    return new ApiError({
      code: "unavailable",
      message: `${dependency} is unavailable; retry shortly`,
      retryAfter: UNAVAILABLE_RETRY_AFTER_S,
    });
  }
  if (error instanceof HTTPException && error.status < 500) {
    const code: ErrorCode =
      error.status === 413
        ? "payload_too_large"
        : error.status === 415
          ? "unsupported_media_type"
          : "invalid_request";
    return new ApiError({ code, message: error.message });
  }
  c.get("deps").logger.error({ err: error, requestId: c.get("requestId") }, "unhandled error");
  return new ApiError({ code: "internal", message: "internal error" });
}

/**
 * The caller's X-Request-Id when it is sane, else a fresh one. It is logged with the request and
 * returned with errors (body and header) but not set on successful responses: any custom header
 * takes Hono off its fast response path, which cost a fifth of the intake's throughput.
 */
function requestIdOf(incoming: string | undefined): string {
  return incoming && incoming.length <= 128 && /^[\w=-]+$/.test(incoming) ? incoming : randomUUID();
}

function errorJson(c: Context<AppEnv>, error: ApiError) {
  c.header("X-Request-Id", c.get("requestId"));
  if (error.retryAfter !== undefined) c.header("Retry-After", String(error.retryAfter));
  if (error.code === "unauthorized") c.header("WWW-Authenticate", 'Bearer realm="outcry"');
  return c.json(
    {
      error: {
        code: error.code,
        message: error.message,
        ...(error.field ? { field: error.field } : {}),
        requestId: c.get("requestId"),
      },
    },
    statusOf(error.code),
  );
}
