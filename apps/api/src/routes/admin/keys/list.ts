import { createRoute, z } from "@hono/zod-openapi";
import { listApiKeys, whileAvailable } from "@outcry/db";
import { adminErrorResponses, adminOnly } from "../../../admin/require-scope.ts";
import type { App } from "../../../app.ts";
import { openApiErrorResponses } from "../../../errors.ts";
import { ApiKeyJson, apiKeyJson } from "./api-key-json.ts";

const route = createRoute({
  method: "get",
  path: "/v1/admin/keys",
  tags: ["admin"],
  summary: "Every admin key, revoked ones included, without secrets",
  ...adminOnly("keys:write"),
  responses: {
    200: {
      description: "Newest first",
      content: { "application/json": { schema: z.object({ keys: z.array(ApiKeyJson) }) } },
    },
    ...adminErrorResponses,
    ...openApiErrorResponses,
  },
});

export function registerListApiKeys(app: App) {
  app.openapi(route, async (c) => {
    const keys = await whileAvailable(() => listApiKeys(c.get("deps").db));
    c.header("Cache-Control", "no-store");
    return c.json({ keys: keys.map(apiKeyJson) }, 200);
  });
}
