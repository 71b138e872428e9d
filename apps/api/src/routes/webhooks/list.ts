import { createRoute, z } from "@hono/zod-openapi";
import { listWebhooks, whileAvailable } from "@outcry/db";
import { adminErrorResponses, adminOnly } from "../../admin/require-scope.ts";
import type { App } from "../../app.ts";
import { openApiErrorResponses } from "../../errors.ts";
import { WebhookJson, webhookJson } from "./webhook-json.ts";

const route = createRoute({
  method: "get",
  path: "/v1/webhooks",
  tags: ["webhooks"],
  summary: "Every webhook subscription, without secrets",
  ...adminOnly("webhooks:write"),
  responses: {
    200: {
      description: "Newest first",
      content: { "application/json": { schema: z.object({ webhooks: z.array(WebhookJson) }) } },
    },
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerListWebhooks(app: App) {
  app.openapi(route, async (c) => {
    const rows = await whileAvailable(() => listWebhooks(c.get("deps").db));
    c.header("Cache-Control", "no-store");
    return c.json({ webhooks: rows.map(webhookJson) }, 200);
  });
}
