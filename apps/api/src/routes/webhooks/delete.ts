import { createRoute, z } from "@hono/zod-openapi";
import { disableWebhook, whileAvailable } from "@outcry/db";
import { adminErrorResponses, adminOnly } from "../../admin/require-scope.ts";
import type { App } from "../../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../../errors.ts";

const route = createRoute({
  method: "delete",
  path: "/v1/webhooks/{id}",
  tags: ["webhooks"],
  summary: "Unsubscribe: nothing more is delivered, retries pending included",
  ...adminOnly("webhooks:write"),
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    204: { description: "Unsubscribed" },
    404: errorResponse("No such webhook"),
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerDeleteWebhook(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    if (!(await whileAvailable(() => disableWebhook(c.get("deps").db, id)))) {
      throw new ApiError({ code: "not_found", message: `no webhook ${id}`, field: "id" });
    }
    return c.body(null, 204);
  });
}
