import { randomBytes } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import { RegionCode, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TOLERANCE_SECONDS } from "@outcry/core";
import { insertWebhook, whileAvailable } from "@outcry/db";
import { adminErrorResponses, adminOnly } from "../../admin/require-scope.ts";
import type { App } from "../../app.ts";
import { ApiError, openApiErrorResponses } from "../../errors.ts";
import { WebhookJson, webhookJson } from "./webhook-json.ts";

const NewWebhook = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2_000)
      .openapi({ description: "Where events are POSTed; https outside a private network" }),
    services: z.array(z.string()).max(500).default([]).openapi({ description: "Service slugs; empty: all" }),
    regions: z
      .array(z.union([RegionCode, z.literal("*")]))
      .max(300)
      .default([])
      .openapi({ description: 'Region codes, "*" for a service as a whole; empty: all' }),
    minStatus: z
      .enum(["possible", "problems"])
      .default("problems")
      .openapi({
        description:
          "problems: incidents opened, updated and resolved. possible: also a service's status changes " +
          "(ok, possible, problems), an earlier and noisier warning",
      }),
    description: z.string().max(200).optional(),
  })
  .strict();

const route = createRoute({
  method: "post",
  path: "/v1/webhooks",
  tags: ["webhooks"],
  summary: "Subscribe a URL to incident events; the signing secret is in this answer only",
  description:
    `Each delivery is a POST of \`{ id, type, createdAt, data }\` with the header \`${WEBHOOK_SIGNATURE_HEADER}: ` +
    "t=<unix seconds>,v1=<hex HMAC-SHA256 of `<t>.<body>` with the secret>`. Check the signature and " +
    `refuse a \`t\` more than ${WEBHOOK_TOLERANCE_SECONDS} s from your clock (replays). Deliveries are at ` +
    "least once: dedupe on `Outcry-Event-Id`. A delivery is retried with backoff for about two hours " +
    "until the receiver answers 2xx within 10 s.",
  ...adminOnly("webhooks:write"),
  request: { body: { required: true, content: { "application/json": { schema: NewWebhook } } } },
  responses: {
    201: {
      description: "The subscription and its signing secret: store the secret now",
      content: {
        "application/json": {
          schema: z.object({ secret: z.string(), webhook: WebhookJson }).openapi("NewWebhook"),
        },
      },
    },
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerCreateWebhook(app: App) {
  app.openapi(route, async (c) => {
    const input = c.req.valid("json");
    const deps = c.get("deps");
    const unknown = input.services.findIndex((slug) => !deps.catalog().get(slug));
    if (unknown >= 0) {
      throw new ApiError({
        code: "invalid_request",
        message: `no service "${input.services[unknown]}"`,
        field: `services.${unknown}`,
      });
    }
    const secret = `whsec_${randomBytes(24).toString("base64url")}`;
    const row = await whileAvailable(() =>
      insertWebhook(deps.db, {
        id: crypto.randomUUID(),
        url: input.url,
        secret,
        services: [...new Set(input.services)],
        regions: [...new Set(input.regions)],
        minStatus: input.minStatus,
        description: input.description ?? null,
      }),
    );
    c.header("Cache-Control", "no-store");
    return c.json({ secret, webhook: webhookJson(row) }, 201);
  });
}
