export { type AccountPost, AccountState, readAccountPosts } from "./account-posts.ts";
export { type AcknowledgementStats, acknowledgementStats } from "./acknowledgement-stats.ts";
export type { OfficialChange, OfficialChangeKind } from "./official-change.ts";
export {
  type CrowdIncident,
  compareWithOfficial,
  formatLag,
  type OfficialComparison,
  type OfficialEpisode,
  officialEpisodes,
  type SourcedChange,
  type SourceMatch,
  sourceMatches,
  type Unacknowledged,
  unacknowledged,
} from "./official-lag.ts";
export { excerpt, OfficialParseError } from "./official-parse-error.ts";
export { OfficialState, readOfficialState } from "./official-state.ts";
export { parseProviderTime } from "./provider-time.ts";
export { type FeedEntry, FeedState, parseStatusFeed, readStatusFeed } from "./status-feed.ts";
export {
  ComponentStatus,
  PageIndicator,
  parseStatuspageIncidents,
  parseStatuspageSummary,
  type Reading,
  readStatuspage,
  StatuspageIncidents,
  StatuspageState,
  StatuspageSummary,
} from "./statuspage.ts";
