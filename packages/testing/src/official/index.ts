export {
  type FakeFeedEntry,
  type FakeFeedOptions,
  FakeStatusFeed,
  FakeStatusFeeds,
} from "./fake-status-feed.ts";
export {
  type FakeComponentStatus,
  type FakeImpact,
  type FakeIncidentStatus,
  type FakePageOptions,
  FakeStatuspage,
  FakeStatuspagePage,
} from "./fake-statuspage.ts";
export type { HttpFault } from "./http-faults.ts";
