import { createRoute, z } from "@hono/zod-openapi";
import { webhookDeliveryLog, whileAvailable } from "@outcry/db";
import { adminErrorResponses, adminOnly } from "../../admin/require-scope.ts";
import type { App } from "../../app.ts";
import { errorResponse, openApiErrorResponses } from "../../errors.ts";
import { TimeParam } from "../../time-param.ts";
import { findWebhook } from "./find-webhook.ts";
import { WebhookDeliveryJson, webhookDeliveryJson } from "./webhook-json.ts";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks/{id}/deliveries",
  tags: ["webhooks"],
  summary: "A subscription's delivery log: every attempt, with the receiver's answer",
  ...adminOnly("webhooks:write"),
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: TimeParam.optional().openapi({ description: "Only attempts before this time (paging)" }),
    }),
  },
  responses: {
    200: {
      description: "Newest first",
      content: { "application/json": { schema: z.object({ deliveries: z.array(WebhookDeliveryJson) }) } },
    },
    404: errorResponse("No such webhook"),
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerWebhookDeliveries(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const { limit, before } = c.req.valid("query");
    const deps = c.get("deps");
    await findWebhook(deps, id);
    const rows = await whileAvailable(() =>
      webhookDeliveryLog(deps.db, id, { limit, before: before === undefined ? undefined : new Date(before) }),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ deliveries: rows.map(webhookDeliveryJson) }, 200);
  });
}
