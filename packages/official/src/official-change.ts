import type { OfficialChangeKind } from "@outcry/core";

export type { OfficialChangeKind };

/**
 * One thing a provider said, once: a page or component status change, an incident created,
 * updated or resolved (a feed item is an incident), an account's post. `naturalKey` is built from
 * the provider's own ids and times, never from when Outcry read it, so reading the same page again
 * yields the same keys and the store keeps one row each.
 */
export interface OfficialChange {
  naturalKey: string;
  kind: OfficialChangeKind;
  /** The provider's time, epoch ms (UTC, whatever zone the provider wrote). */
  at: number;
  /** The page indicator, the component's status, or the incident (update)'s status. */
  status?: string;
  componentId?: string;
  componentName?: string;
  /** The group the component sits in on the page. */
  componentGroup?: string;
  /** The provider's incident id; for a feed, the item's id. */
  incidentId?: string;
  updateId?: string;
  title?: string;
  body?: string;
  impact?: string;
  /** Names of the components an incident says it affects. */
  components?: string[];
  url?: string;
}
