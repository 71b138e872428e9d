import { createRoute, z } from "@hono/zod-openapi";
import { ApiKeyScope, generateApiKey } from "@outcry/core";
import { insertApiKey, whileAvailable } from "@outcry/db";
import { adminErrorResponses, adminOnly } from "../../../admin/require-scope.ts";
import type { App } from "../../../app.ts";
import { openApiErrorResponses } from "../../../errors.ts";
import { ApiKeyJson } from "./api-key-json.ts";

const NewKey = z
  .object({
    name: z.string().trim().min(1).max(80).openapi({ description: "Who or what uses it" }),
    scopes: z.array(ApiKeyScope).min(1),
  })
  .strict();

const route = createRoute({
  method: "post",
  path: "/v1/admin/keys",
  tags: ["admin"],
  summary: "Create an admin key; its secret is in this answer only",
  ...adminOnly("keys:write"),
  request: { body: { required: true, content: { "application/json": { schema: NewKey } } } },
  responses: {
    201: {
      description: "The key, with its secret: store it now, it is kept only as a hash",
      content: {
        "application/json": {
          schema: z.object({ key: z.string(), apiKey: ApiKeyJson }).openapi("NewApiKey"),
        },
      },
    },
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerCreateApiKey(app: App) {
  app.openapi(route, async (c) => {
    const { name, scopes } = c.req.valid("json");
    const { key, prefix, hash } = generateApiKey();
    const row = {
      id: crypto.randomUUID(),
      name,
      prefix,
      hash,
      scopes: [...new Set(scopes)],
      createdAt: new Date(),
    };
    await whileAvailable(() => insertApiKey(c.get("deps").db, row));
    c.header("Cache-Control", "no-store");
    return c.json(
      {
        key,
        apiKey: {
          id: row.id,
          name,
          prefix,
          scopes: row.scopes,
          createdAt: row.createdAt.toISOString(),
          lastUsedAt: null,
          revokedAt: null,
        },
      },
      201,
    );
  });
}
