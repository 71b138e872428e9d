import { Counter, collectDefaultMetrics, Registry } from "prom-client";

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

/** Intake counters, on their own registry so several apps (tests, replicas) never collide. */
export function createApiMetrics(registry = new Registry()) {
  collectDefaultMetrics({ register: registry });
  // /metrics answers on the public port: the Node.js version would tell an attacker which CVEs apply.
  registry.removeSingleMetric("nodejs_version_info");
  return {
    registry,
    reports: new Counter({
      name: "outcry_reports_total",
      help: "Reports received, by outcome (counted, duplicate, rate_limited, rejected, unavailable).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
  };
}
