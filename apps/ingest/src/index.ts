export { type Ingest, type IngestOptions, JETSTREAM_CURSOR, startIngest } from "./ingest.ts";
export { createIngestMetrics, type IngestMetrics } from "./ingest-metrics.ts";
export { CURSOR_REWIND_US, JetstreamClient, type JetstreamClientOptions } from "./jetstream-client.ts";
export { type CollectedPost, type JetstreamFrame, readJetstreamFrame } from "./jetstream-event.ts";
export { createOfficialMetrics, type OfficialMetrics } from "./official-metrics.ts";
export {
  OfficialPoller,
  type OfficialPollerOptions,
  type OfficialTarget,
  officialTargets,
} from "./official-poller.ts";
export { PostCollector, signalIdFor } from "./post-collector.ts";
export {
  rateLimitWaitMs,
  SearchPoller,
  type SearchPollerOptions,
  type SearchTarget,
} from "./search-poller.ts";
