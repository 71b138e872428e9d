export { ApiKeyScope, generateApiKey, hashApiKey, type NewApiKey } from "./api-key.ts";
export { CatalogFileError, parseCatalogFile, withCatalogFile } from "./catalog/catalog-file.ts";
export { CatalogIndex } from "./catalog/catalog-index.ts";
export { loadSeedCatalog } from "./catalog/seed-catalog.ts";
export { CONFIG_VARIABLES, type Config, ConfigError, loadConfig } from "./config.ts";
export { DependencyUnavailableError } from "./errors.ts";
export { RegionCode, regionName, SubdivisionCode, UNKNOWN_REGION } from "./region.ts";
export { MAX_REPORT_BODY_BYTES, ReportInput } from "./report.ts";
export {
  Catalog,
  type OfficialChangeKind,
  OfficialSource,
  officialSourceKey,
  ProblemType,
  Service,
  ServiceCategory,
  ServiceSlug,
  StrictCatalog,
} from "./service.ts";
export { serviceShard } from "./service-shard.ts";
export { PostRef, Signal, SignalSource } from "./signal.ts";
export {
  alignDown,
  DAY_MS,
  HOUR_MS,
  hourBucket,
  MINUTE_MS,
  minuteBucket,
  SeriesStep,
  STEP_MS,
} from "./time-bucket.ts";
export {
  signWebhook,
  verifyWebhook,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TOLERANCE_SECONDS,
  webhookSignature,
} from "./webhook-signature.ts";
