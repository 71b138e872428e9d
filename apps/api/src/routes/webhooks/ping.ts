import { createRoute, z } from "@hono/zod-openapi";
import { DependencyUnavailableError } from "@outcry/core";
import { webhookDeliveryJobId } from "@outcry/queue";
import { adminErrorResponses, adminOnly } from "../../admin/require-scope.ts";
import type { App } from "../../app.ts";
import { errorResponse, openApiErrorResponses } from "../../errors.ts";
import { findWebhook } from "./find-webhook.ts";

const route = createRoute({
  method: "post",
  path: "/v1/webhooks/{id}/ping",
  tags: ["webhooks"],
  summary: "Send a signed `ping` event through the delivery queue, to test a receiver",
  ...adminOnly("webhooks:write"),
  request: { params: z.object({ id: z.uuid() }) },
  responses: {
    202: {
      description: "Queued; see the delivery log for the receiver's answer",
      content: { "application/json": { schema: z.object({ eventId: z.string() }) } },
    },
    404: errorResponse("No such webhook"),
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerPingWebhook(app: App) {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid("param");
    const deps = c.get("deps");
    const webhook = await findWebhook(deps, id);
    const eventId = `ping-${crypto.randomUUID()}`;
    const createdAt = new Date().toISOString();
    await deps.webhooks
      ?.add(
        "ping",
        { webhookId: webhook.id, eventId, createdAt, event: { type: "ping" } },
        { jobId: webhookDeliveryJobId(webhook.id, eventId) },
      )
      .catch((error: unknown) => {
        throw new DependencyUnavailableError("redis", { cause: error });
      });
    return c.json({ eventId }, 202);
  });
}
