import type { WebhookRow } from "@outcry/db";
import type { LiveEvent } from "@outcry/queue";

const SEVERITY = { ok: 0, possible: 1, problems: 2 } as const;
type Status = keyof typeof SEVERITY;

/**
 * Incidents (their unacknowledged flag too) and what a provider says officially are "problems";
 * a status change is as severe as the worse of its two sides.
 */
function severityOf(event: LiveEvent): number | undefined {
  if (event.type.startsWith("incident.") || event.type.startsWith("official.")) return SEVERITY.problems;
  if (event.type === "service.status") {
    const now = SEVERITY[event.status as Status] ?? 0;
    const before = SEVERITY[event.previous as Status] ?? 0;
    return Math.max(now, before);
  }
  return undefined;
}

/** Whether a subscription wants an event: its services, its regions, and at least its status. */
export function webhookWants(
  webhook: Pick<WebhookRow, "services" | "regions" | "minStatus">,
  event: LiveEvent,
) {
  const severity = severityOf(event);
  if (severity === undefined || severity < SEVERITY[webhook.minStatus]) return false;
  if (webhook.services.length > 0 && !webhook.services.includes(event.service ?? "")) return false;
  const region = typeof event.region === "string" ? event.region : "*";
  return webhook.regions.length === 0 || webhook.regions.includes(region);
}
