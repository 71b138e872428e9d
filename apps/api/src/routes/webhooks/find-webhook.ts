import { getWebhook, type WebhookRow, whileAvailable } from "@outcry/db";
import type { ApiDeps } from "../../app-env.ts";
import { ApiError } from "../../errors.ts";

/** The subscription for a route's `id`, or the 404 every webhook route answers. */
export async function findWebhook(deps: ApiDeps, id: string): Promise<WebhookRow> {
  const webhook = await whileAvailable(() => getWebhook(deps.db, id));
  if (!webhook) throw new ApiError({ code: "not_found", message: `no webhook ${id}`, field: "id" });
  return webhook;
}
