import { createRoute, z } from "@hono/zod-openapi";
import { revokeApiKey, whileAvailable } from "@outcry/db";
import { adminErrorResponses, adminOnly } from "../../../admin/require-scope.ts";
import type { App } from "../../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../../errors.ts";

const route = createRoute({
  method: "delete",
  path: "/v1/admin/keys/{id}",
  tags: ["admin"],
  summary: "Revoke an admin key; it stops working at once",
  ...adminOnly("keys:write"),
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    204: { description: "Revoked" },
    404: errorResponse("No live key with that id"),
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerRevokeApiKey(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const revoked = await whileAvailable(() => revokeApiKey(c.get("deps").db, id));
    if (!revoked) throw new ApiError({ code: "not_found", message: `no live key ${id}`, field: "id" });
    return c.body(null, 204);
  });
}
