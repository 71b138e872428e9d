export { apiKeys, webhookDeliveries, webhooks } from "./admin.ts";
export { appliedBatches } from "./applied-batches.ts";
export { countsHour, countsMinute, serviceCountsHour, serviceCountsMinute } from "./counts.ts";
export { ALL_SOURCES, detectorStates, GLOBAL_REGION, incidents } from "./incidents.ts";
export { type DocumentValidators, officialChanges, officialSources } from "./official.ts";
export { ingestCursors, posts } from "./posts.ts";
export { reports } from "./reports.ts";
export { type CatalogOfficialSource, type ProblemTypeRow, services } from "./services.ts";
export { signalSource } from "./signal-source.ts";
