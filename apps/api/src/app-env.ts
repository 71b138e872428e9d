import type { HttpBindings } from "@hono/node-server";
import type { CatalogIndex } from "@outcry/core";
import type { Db } from "@outcry/db";
import type { WebhookDeliveryJob } from "@outcry/queue";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { ReportIntake } from "./intake/report-intake.ts";
import type { LiveFeed } from "./live/live-hub.ts";
import type { ApiMetrics } from "./metrics.ts";

/** What the routes need from the outside world; production and tests build it the same way. */
export interface ApiDeps {
  /** True once shutdown began: responses then close their connection. */
  draining?: () => boolean;
  catalog: () => CatalogIndex;
  /** After an admin's catalog write: reload it here and in every other process. */
  catalogChanged?: () => Promise<void>;
  intake: ReportIntake;
  /** The primary. For public reads (see newApp) this is `readDb` when there is one. */
  db: Db;
  /** A read replica (DATABASE_READ_URL) for the public GET routes; writes and admin reads stay on `db`. */
  readDb?: Db;
  /** Named dependency checks for /readyz; each resolves when its dependency answers. */
  readiness: Record<string, () => Promise<void>>;
  logger: Logger;
  logRequests: boolean;
  /** Identical public GETs within this many ms share one answer; 0 or absent: off. */
  responseCacheMs?: number;
  trustProxyHops: number;
  metrics: ApiMetrics;
  /** Where webhook deliveries are queued (the aggregator delivers them). */
  webhooks?: Queue<WebhookDeliveryJob>;
  /** The live-events feed behind /v1/stream. */
  live?: LiveFeed;
}

export type AppEnv = {
  Bindings: HttpBindings;
  Variables: { deps: ApiDeps; requestId: string; apiKeyId: string };
};
