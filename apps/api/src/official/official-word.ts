import { DAY_MS, type Service } from "@outcry/core";
import {
  type Db,
  type IncidentRow,
  listOfficialChanges,
  loadOfficialSources,
  type OfficialSourceRow,
} from "@outcry/db";
import {
  type CrowdIncident,
  compareWithOfficial,
  type OfficialComparison,
  type OfficialEpisode,
  officialEpisodes,
  type SourceMatch,
  sourceMatches,
  type Unacknowledged,
  unacknowledged,
} from "@outcry/official";

/**
 * How far before a window official changes are read: an official incident opened up to a week
 * before the crowd's still overlaps it.
 */
const LOOKBACK_MS = 7 * DAY_MS;

/** How long after the crowd's resolution (or a period's end) an official all-clear still counts. */
export const OFFICIAL_TAIL_MS = 7 * DAY_MS;

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

/**
 * The provider's episodes that touch a period, for a chart of it: undefined when the catalog names
 * no official source. An all-clear given up to OFFICIAL_TAIL_MS after the period is read too, so an
 * episode that ended after the period is not shown as still open.
 */
export async function officialEpisodesIn(
  db: Db,
  service: Service,
  period: { from: number; to: number },
  now: number,
): Promise<OfficialEpisode[] | undefined> {
  const word = await officialWord(db, service, {
    from: period.from,
    to: Math.max(period.to, Math.min(now, period.to + OFFICIAL_TAIL_MS)),
  });
  return word && episodesOverlapping(word.episodes, period);
}

/**
 * Episodes that touch `from` to `to` (exclusive): begun before its end and not over before its
 * start. A post, an instant, touches it when it falls inside.
 */
export function episodesOverlapping(
  episodes: OfficialEpisode[],
  period: { from: number; to: number },
): OfficialEpisode[] {
  return episodes.filter(
    (episode) =>
      episode.start < period.to &&
      (episode.end === undefined || episode.end > period.from || episode.start >= period.from),
  );
}

/** The provider's word on one of the crowd's incidents: compared with it, and any silence so far. */
export interface IncidentOfficial {
  heard: boolean;
  comparison: OfficialComparison;
  /** Only when a source was ever read: until then the silence is Outcry's own. */
  silence: Unacknowledged | undefined;
}

export async function incidentOfficial(
  db: Db,
  service: Service,
  crowd: CrowdIncident,
  now: number,
): Promise<IncidentOfficial | undefined> {
  // The provider's all-clear may come well after the crowd's: read a tail past it.
  const word = await officialWord(db, service, {
    from: crowd.startedAt,
    to: Math.min(now, (crowd.resolvedAt ?? now) + OFFICIAL_TAIL_MS),
  });
  if (!word) return undefined;
  return {
    heard: word.heard,
    comparison: compareWithOfficial(crowd, word.episodes, now),
    silence: word.heard ? unacknowledged(crowd, word.episodes, now) : undefined,
  };
}

/** A service's official word now: its sources, what it says is wrong, and any silence. */
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
