import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** What the official sources' poller does, for /metrics. Sources are not a label: there may be hundreds. */
export function createOfficialMetrics(registry?: Registry) {
  const registers = registry ? [registry] : [];
  return {
    polls: new Counter({
      name: "outcry_official_polls_total",
      help: "Readings of official sources, by kind (statuspage, feed, bluesky) and result (ok, not_modified, rate_limited, server_error, client_error, timeout, network, redirect, too_large, invalid, store_error).",
      labelNames: ["kind", "result"] as const,
      registers,
    }),
    changes: new Counter({
      name: "outcry_official_changes_total",
      help: "Official changes recorded (each once), by kind of source.",
      labelNames: ["kind"] as const,
      registers,
    }),
    sources: new Gauge({
      name: "outcry_official_sources",
      help: "Official sources the poller reads.",
      registers,
    }),
    stale: new Gauge({
      name: "outcry_official_stale_sources",
      help: "Official sources not read successfully for longer than OFFICIAL_STALE_MINUTES.",
      registers,
    }),
    duration: new Histogram({
      name: "outcry_official_poll_duration_seconds",
      help: "Time to read one official source, from its first request to its last answer.",
      labelNames: ["kind"] as const,
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
  };
}

export type OfficialMetrics = ReturnType<typeof createOfficialMetrics>;
