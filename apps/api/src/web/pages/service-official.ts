import type { IncidentRow, OfficialSourceRow } from "@outcry/db";
import { type OfficialEpisode, type Unacknowledged, unacknowledged } from "@outcry/official";
import type { OfficialWord } from "../../official/official-word.ts";

/** What the service page shows of the provider's word. */
export interface ServiceOfficial {
  sources: OfficialSourceRow[];
  /** What the provider says is wrong right now (posts are instants, not states). */
  open: OfficialEpisode[];
  unacknowledged: Unacknowledged | undefined;
  /** Whether any source was ever read successfully. */
  heard: boolean;
}

export function serviceOfficial(
  word: OfficialWord,
  openIncident: IncidentRow | undefined,
  now: number,
): ServiceOfficial {
  return {
    sources: word.sources,
    open: word.episodes.filter((episode) => episode.end === undefined && episode.kind !== "post"),
    heard: word.heard,
    unacknowledged:
      openIncident && word.heard
        ? unacknowledged(
            { id: openIncident.id, startedAt: openIncident.startedAt.getTime() },
            word.episodes,
            now,
          )
        : undefined,
  };
}

/** A source a reader can open: the page itself, or the account on bsky.app. */
export function sourceLink(key: string): string {
  return key.startsWith("at://") ? `https://bsky.app/profile/${key.slice("at://".length)}` : key;
}

export function sourceLabel(key: string): string {
  return key.startsWith("at://") ? `@${key.slice("at://".length)}` : new URL(key).host;
}
