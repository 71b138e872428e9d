import { createRoute, z } from "@hono/zod-openapi";
import { ServiceSlug } from "@outcry/core";
import type { StoredLiveEvent } from "@outcry/queue";
import { streamSSE } from "hono/streaming";
import type { App } from "../app.ts";
import { ApiError, errorResponse, openApiErrorResponses } from "../errors.ts";

// A comment line this often keeps proxies from closing an idle stream and tells the client it lives.
const HEARTBEAT_MS = 15_000;
const EVENT_ID = /^\d{1,20}-\d{1,20}$/;

const route = createRoute({
  method: "get",
  path: "/v1/stream",
  tags: ["live"],
  summary: "Live events (Server-Sent Events): incidents opened, updated, resolved, and counts each minute",
  description:
    "Each event has an id; reconnect with the Last-Event-ID header (browsers do) to get what was missed, " +
    "as far back as the last 10,000 events. A comment line every 15 s keeps the stream alive. " +
    "`counts` events carry every service with signals that minute: {minute, services: [{service, count, expected, upper, status}]}.",
  request: {
    query: z.object({
      service: ServiceSlug.optional().openapi({ description: "Only events about this service" }),
    }),
    headers: z.object({
      "last-event-id": z.string().regex(EVENT_ID, "must be an event id such as 1713254400000-0").optional(),
    }),
  },
  responses: {
    200: {
      description: "A text/event-stream; each event's data is JSON",
      content: { "text/event-stream": { schema: z.string() } },
    },
    404: errorResponse("No such service"),
    ...openApiErrorResponses,
  },
});

export function registerStream(app: App) {
  app.openapi(route, async (c) => {
    const { service } = c.req.valid("query");
    const lastEventId = c.req.valid("header")["last-event-id"];
    const deps = c.get("deps");
    if (service && !deps.catalog().get(service)) {
      throw new ApiError({ code: "not_found", message: `no service "${service}"`, field: "service" });
    }
    const { live } = deps;
    if (!live) throw new ApiError({ code: "unavailable", message: "the live stream is not running here" });
    const missed = lastEventId ? await live.after(lastEventId) : [];
    c.header("Cache-Control", "no-store");
    c.header("X-Accel-Buffering", "no");
    return streamSSE(c, async (stream) => {
      const pending: StoredLiveEvent[] = [];
      let wake: (() => void) | undefined;
      let ended = false;
      const end = () => {
        ended = true;
        wake?.();
      };
      const unsubscribe = live.subscribe((entry) => {
        pending.push(entry);
        wake?.();
      }, end);
      stream.onAbort(end);
      const heartbeat = setInterval(() => void stream.write(": heartbeat\n\n"), HEARTBEAT_MS);
      try {
        let lastSent = lastEventId;
        const send = async (entry: StoredLiveEvent) => {
          const event = forService(entry.event, service);
          if (!event) return;
          await stream.writeSSE({ id: entry.id, event: String(event.type), data: JSON.stringify(event) });
          lastSent = entry.id;
        };
        for (const entry of missed) await send(entry);
        while (!ended) {
          while (pending.length > 0) {
            const entry = pending.shift() as StoredLiveEvent;
            // Events read while the replay was being sent may repeat it: ids only go forward.
            if (!lastSent || compareIds(entry.id, lastSent) > 0) await send(entry);
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            if (pending.length > 0 || ended) resolve();
          });
          wake = undefined;
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    }) as never;
  });
}

/** The event as a client filtering on `service` should see it, or undefined to skip it. */
function forService(event: StoredLiveEvent["event"], service: string | undefined) {
  if (!service) return event;
  if (event.type === "counts") {
    const services = (event.services as Array<{ service: string }> | undefined)?.filter(
      (entry) => entry.service === service,
    );
    return services && services.length > 0 ? { ...event, services } : undefined;
  }
  return event.service === service ? event : undefined;
}

function compareIds(a: string, b: string): number {
  const [aMs = 0n, aSeq = 0n] = a.split("-").map(BigInt);
  const [bMs = 0n, bSeq = 0n] = b.split("-").map(BigInt);
  return aMs === bMs ? Number(aSeq - bSeq) : aMs > bMs ? 1 : -1;
}
