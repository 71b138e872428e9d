import type { ApiKeyScope } from "@outcry/core";
import { hashApiKey } from "@outcry/core";
import { useApiKey, whileAvailable } from "@outcry/db";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env.ts";
import { ApiError, errorResponse } from "../errors.ts";

/**
 * Admits a request carrying `Authorization: Bearer <key>` for a live key with the scope; else 401
 * (no key, or one that is unknown or revoked) or 403 (a good key without the scope).
 */
export function requireScope(scope: ApiKeyScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) {
      throw new ApiError({
        code: "unauthorized",
        message: "this route needs an admin key: Authorization: Bearer <key>",
        field: "authorization",
      });
    }
    const key = await whileAvailable(() => useApiKey(c.get("deps").db, hashApiKey(token)));
    if (!key) {
      throw new ApiError({ code: "unauthorized", message: "unknown or revoked key", field: "authorization" });
    }
    if (!key.scopes.includes(scope)) {
      throw new ApiError({ code: "forbidden", message: `this key lacks the scope ${scope}` });
    }
    c.set("apiKeyId", key.id);
    await next();
  };
}

/**
 * What an admin route spreads into its createRoute: the key check for `scope`, and the bearer
 * security requirement the document shows for it, naming the scope (OpenAPI 3.1 lets a
 * non-OAuth scheme list the roles a route needs there).
 */
export function adminOnly(scope: ApiKeyScope) {
  return {
    security: [{ bearerAuth: [scope] }] as Array<Record<string, string[]>>,
    middleware: [requireScope(scope)] as [MiddlewareHandler<AppEnv>],
  };
}

export const adminErrorResponses = {
  401: errorResponse("No admin key, or an unknown or revoked one."),
  403: errorResponse("The key lacks the scope this route needs."),
} as const;
