import { z } from "@hono/zod-openapi";

/** What the detector last said of a service's global series; one schema for every route that shows it. */
export const ServiceStatus = z.enum(["ok", "possible", "problems", "unknown"]).openapi("ServiceStatus", {
  description:
    "From the detector's last minute of the service's global series: problems (an incident is open), " +
    "possible (unusual, not an incident), ok; unknown before the service was first judged",
});
export type ServiceStatus = z.infer<typeof ServiceStatus>;
