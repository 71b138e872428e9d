export { type Database, type Db, type OpenDatabaseOptions, openDatabase } from "./database.ts";
export { type ApiKeyRow, insertApiKey, listApiKeys, revokeApiKey, useApiKey } from "./queries/api-keys.ts";
export { applySignalBatch, type SignalBatch } from "./queries/apply-signal-batch.ts";
export { listServices, saveEditedService, upsertServices } from "./queries/catalog.ts";
export {
  detectorStateBuckets,
  getDetectorState,
  getIncident,
  type IncidentFilter,
  type IncidentRow,
  incidentComposition,
  insertIncident,
  listIncidents,
  loadDetectorStates,
  type NewIncident,
  openIncidentsBySeries,
  type SeriesCount,
  type SeriesStatus,
  type StoredDetectorState,
  saveDetectorStates,
  seriesCountsBetween,
  seriesKey,
  serviceStatus,
  updateIncident,
} from "./queries/detection.ts";
export {
  maintainMinutePartitions,
  PARTITION_DAYS_AHEAD,
  type PartitionMaintenance,
  type PartitionMaintenanceOptions,
} from "./queries/minute-partitions.ts";
export {
  listOfficialChanges,
  loadOfficialSources,
  type NewOfficialChange,
  type OfficialChangeKind,
  type OfficialChangeRow,
  type OfficialChangesQuery,
  type OfficialReading,
  type OfficialSourceKind,
  type OfficialSourceRow,
  recordOfficialFailure,
  recordOfficialReading,
} from "./queries/official.ts";
export {
  latestPosts,
  loadIngestCursor,
  type PostRow,
  prunePosts,
  saveIngestCursor,
  servicesWithProblems,
} from "./queries/posts.ts";
export { type ProblemCount, type ProblemSharesQuery, problemCounts } from "./queries/problem-shares.ts";
export { APPLIED_BATCH_RETENTION_MS, pruneAppliedBatches } from "./queries/prune-applied-batches.ts";
export { regionalDetectorStates, regionCounts } from "./queries/region-breakdown.ts";
export { type SeriesPoint, type SeriesQuery, seriesForService } from "./queries/series.ts";
export { hourlyCounts, type ServiceOverview, serviceOverviews } from "./queries/service-overview.ts";
export {
  activeWebhooks,
  disableWebhook,
  getWebhook,
  insertWebhook,
  listWebhooks,
  type NewWebhook,
  pruneWebhookDeliveries,
  recordWebhookDelivery,
  WEBHOOK_DELIVERY_RETENTION_MS,
  type WebhookDeliveryRow,
  type WebhookRow,
  webhookDeliveryLog,
} from "./queries/webhooks.ts";
export * as schema from "./schema/index.ts";
export { ALL_SOURCES, GLOBAL_REGION } from "./schema/index.ts";
export { isDatabaseUnavailable, whileAvailable } from "./unavailable.ts";
