import { Counter, Gauge, type Registry } from "prom-client";

/** What the collectors do, for /metrics: events/s, matched/s and lag come from these. */
export function createIngestMetrics(registry?: Registry) {
  const registers = registry ? [registry] : [];
  return {
    jetstreamEvents: new Counter({
      name: "outcry_jetstream_events_total",
      help: "Jetstream frames received, by kind (post, commit, identity, account, unknown, malformed).",
      labelNames: ["kind"] as const,
      registers,
    }),
    jetstreamLag: new Gauge({
      name: "outcry_jetstream_lag_seconds",
      help: "Now minus the time_us of the last Jetstream event read.",
      registers,
    }),
    jetstreamConnected: new Gauge({
      name: "outcry_jetstream_connected",
      help: "1 while the Jetstream socket is open.",
      registers,
    }),
    jetstreamReconnects: new Counter({
      name: "outcry_jetstream_reconnects_total",
      help: "Jetstream connections lost or refused, each followed by a reconnect with backoff.",
      registers,
    }),
    jetstreamPaused: new Counter({
      name: "outcry_jetstream_backpressure_pauses_total",
      help: "Times the socket was paused because the signals queue was not keeping up.",
      registers,
    }),
    posts: new Counter({
      name: "outcry_ingest_posts_total",
      help: "Posts through the text pipeline, by collector and result (matched, prefilter, no-service, classifier, repeat).",
      labelNames: ["collector", "result"] as const,
      registers,
    }),
    searchRequests: new Counter({
      name: "outcry_search_requests_total",
      help: "searchPosts calls by result (ok, rate-limited, error).",
      labelNames: ["result"] as const,
      registers,
    }),
  };
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>;
