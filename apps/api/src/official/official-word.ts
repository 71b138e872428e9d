import { DAY_MS, type Service } from "@outcry/core";
import { type Db, listOfficialChanges, loadOfficialSources, type OfficialSourceRow } from "@outcry/db";
import { type OfficialEpisode, officialEpisodes, type SourceMatch, sourceMatches } from "@outcry/official";

/**
 * How far before a window official changes are read: an official incident opened up to a week
 * before the crowd's still overlaps it.
 */
const LOOKBACK_MS = 7 * DAY_MS;

/** What a service's provider has said officially around a window, from the sources it names. */
export interface OfficialWord {
  sources: OfficialSourceRow[];
  matches: SourceMatch[];
  /** Stretches of official "something is wrong", the open ones without an end. */
  episodes: OfficialEpisode[];
  /**
   * Whether any source was ever read: until then a quiet page is Outcry's ignorance, not the
   * provider's silence, and nothing is called unacknowledged.
   */
  heard: boolean;
}

/** Undefined when the catalog names no official source for the service. */
export async function officialWord(
  db: Db,
  service: Service,
  window: { from: number; to: number },
): Promise<OfficialWord | undefined> {
  const matches = sourceMatches(service.official);
  if (matches.length === 0) return undefined;
  const keys = matches.map((match) => match.source);
  const [sources, changes] = await Promise.all([
    loadOfficialSources(db, keys),
    listOfficialChanges(db, { sources: keys, from: window.from - LOOKBACK_MS, to: window.to }),
  ]);
  return {
    sources,
    matches,
    episodes: officialEpisodes(changes, matches),
    heard: sources.some((source) => source.succeededAt !== undefined),
  };
}
