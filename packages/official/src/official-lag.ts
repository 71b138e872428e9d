import { type OfficialSource, officialSourceKey } from "@outcry/core";
import type { OfficialChange } from "./official-change.ts";

/** A recorded change and the source it came from. */
export type SourcedChange = Pick<
  OfficialChange,
  | "kind"
  | "at"
  | "status"
  | "componentId"
  | "componentName"
  | "componentGroup"
  | "incidentId"
  | "components"
  | "title"
> & { source: string };

/** How a service's catalog entry names one of its sources (packages/core's OfficialSource, keyed). */
export interface SourceMatch {
  /** The source's key: its URL, or at://handle. */
  source: string;
  /** Only these components (or component groups) of a page stand for the service. */
  components?: string[] | undefined;
}

/**
 * A stretch of time over which the provider officially said something was wrong: an incident from
 * creation to resolution, a component away from operational, the page's indicator above none, or
 * (with no end) an account's post, an instant.
 */
export interface OfficialEpisode {
  source: string;
  kind: "incident" | "component" | "status" | "post";
  /** The provider's incident id, component id, or the post's time. */
  ref: string;
  title?: string;
  start: number;
  /** Undefined while it is still open; equal to start for a post. */
  end?: number;
}

/** The crowd's incident: from its onset until it resolved (or now). */
export interface CrowdIncident {
  id: string;
  /** The crowd's onset: the first bucket of the elevated run. */
  startedAt: number;
  resolvedAt?: number | undefined;
}

export interface OfficialComparison {
  incidentId: string;
  onsetAt: number;
  /** The first official word that overlaps the incident; before onset when the provider was first. */
  acknowledgedAt?: number;
  acknowledgedBy?: OfficialEpisode;
  /** When the last of the overlapping official words ended; undefined while any is open. */
  resolvedOfficially?: number;
  /** acknowledgedAt minus onset: negative when the provider spoke before the crowd. */
  acknowledgementLagMs?: number;
  /** resolvedOfficially minus onset. */
  resolutionLagMs?: number;
}

/** How a service's catalog entry names its sources, for officialEpisodes. */
export function sourceMatches(official: OfficialSource[] | undefined): SourceMatch[] {
  return (official ?? []).map((source) => ({
    source: officialSourceKey(source),
    components: source.kind === "statuspage" ? source.components : undefined,
  }));
}

const NORMAL_COMPONENT = "operational";
const NORMAL_PAGE = "none";

/**
 * The provider's official words about one service, as episodes, from the changes of the service's
 * sources. A page with `components` named counts only those components (by name or group,
 * case-insensitively) and the incidents that list one of them, or list none (the provider did not
 * say which part; such an incident is counted rather than missed); its overall indicator is then
 * ignored, since it speaks for every product on the page.
 */
export function officialEpisodes(changes: SourcedChange[], sources: SourceMatch[]): OfficialEpisode[] {
  const wanted = new Map(
    sources.map((match) => [match.source, match.components?.map((name) => name.toLowerCase())]),
  );
  const ordered = changes
    .map((change, index) => ({ change, index }))
    .filter(({ change }) => wanted.has(change.source))
    .sort((a, b) => a.change.at - b.change.at || a.index - b.index)
    .map(({ change }) => change);

  const open = new Map<string, OfficialEpisode>();
  const episodes: OfficialEpisode[] = [];
  const incidents = new Map<string, { episode: OfficialEpisode; relevant: boolean }>();
  const begin = (key: string, episode: OfficialEpisode) => {
    if (open.has(key)) return;
    open.set(key, episode);
    episodes.push(episode);
  };
  const finish = (key: string, at: number) => {
    const episode = open.get(key);
    if (!episode) return;
    episode.end = at;
    open.delete(key);
  };

  for (const change of ordered) {
    const components = wanted.get(change.source);
    switch (change.kind) {
      case "status": {
        if (components) break;
        const key = `${change.source}|status`;
        if (change.status === NORMAL_PAGE) finish(key, change.at);
        else begin(key, episode(change, "status", "page", change.title));
        break;
      }
      case "component": {
        if (components && !named(components, [change.componentName, change.componentGroup])) break;
        const ref = change.componentId ?? change.componentName ?? "?";
        const key = `${change.source}|component|${ref}`;
        if (change.status === NORMAL_COMPONENT) finish(key, change.at);
        else begin(key, episode(change, "component", ref, change.componentName));
        break;
      }
      case "incident-created":
      case "incident-updated":
      case "incident-resolved": {
        const ref = change.incidentId ?? "?";
        const key = `${change.source}|incident|${ref}`;
        let entry = incidents.get(key);
        if (!entry) {
          entry = { episode: episode(change, "incident", ref, change.title), relevant: false };
          incidents.set(key, entry);
        }
        entry.episode.start = Math.min(entry.episode.start, change.at);
        if (!components || !change.components?.length || named(components, change.components)) {
          entry.relevant = true;
        }
        if (change.kind === "incident-resolved") {
          entry.episode.end = Math.max(entry.episode.end ?? change.at, change.at);
        }
        break;
      }
      case "post":
        episodes.push({ ...episode(change, "post", String(change.at)), end: change.at });
        break;
    }
  }
  for (const { episode, relevant } of incidents.values()) if (relevant) episodes.push(episode);
  return episodes.sort((a, b) => a.start - b.start || (a.end ?? Infinity) - (b.end ?? Infinity));
}

/**
 * How the official word compares with one crowd incident. An official episode overlaps the
 * incident when it was open at any moment between the crowd's onset and the incident's end (now,
 * while open); the earliest such episode acknowledges it, even one begun before the onset (a
 * negative lag: the provider was first). Resolution is when the last overlapping episode ended.
 */
export function compareWithOfficial(
  incident: CrowdIncident,
  episodes: OfficialEpisode[],
  now: number,
): OfficialComparison {
  const onset = incident.startedAt;
  const end = incident.resolvedAt ?? now;
  const overlapping = episodes.filter(
    (episode) => episode.start <= end && (episode.end === undefined || episode.end >= onset),
  );
  const comparison: OfficialComparison = { incidentId: incident.id, onsetAt: onset };
  const first = overlapping.reduce<OfficialEpisode | undefined>(
    (earliest, episode) => (earliest === undefined || episode.start < earliest.start ? episode : earliest),
    undefined,
  );
  if (!first) return comparison;
  comparison.acknowledgedAt = first.start;
  comparison.acknowledgedBy = first;
  comparison.acknowledgementLagMs = first.start - onset;
  // Posts say something but open nothing: resolution is the pages' and feeds' to say.
  const lasting = overlapping.filter((episode) => episode.kind !== "post");
  if (lasting.length > 0 && lasting.every((episode) => episode.end !== undefined)) {
    const resolved = Math.max(...lasting.map((episode) => episode.end as number));
    comparison.resolvedOfficially = resolved;
    comparison.resolutionLagMs = resolved - onset;
  }
  return comparison;
}

export interface Unacknowledged {
  /** When the official silence began: the crowd's onset, or the end of the official word since. */
  since: number;
  minutes: number;
}

/**
 * For a service whose crowd incident is open: whether the official word says all is well while
 * the crowd says otherwise, and for how many whole minutes so far. Acknowledged (undefined) while
 * an overlapping episode is open, or once the account posted during the incident.
 */
export function unacknowledged(
  incident: CrowdIncident,
  episodes: OfficialEpisode[],
  now: number,
): Unacknowledged | undefined {
  if (incident.resolvedAt !== undefined && incident.resolvedAt <= now) return undefined;
  const onset = incident.startedAt;
  const overlapping = episodes.filter(
    (episode) => episode.start <= now && (episode.end === undefined || episode.end >= onset),
  );
  if (overlapping.some((episode) => episode.end === undefined)) return undefined;
  if (overlapping.some((episode) => episode.kind === "post")) return undefined;
  const since = Math.max(onset, ...overlapping.map((episode) => episode.end as number));
  return { since, minutes: Math.floor((now - since) / 60_000) };
}

/**
 * A lag for people: whole minutes with a sign, so "-12 min" (the provider spoke 12 minutes before
 * the crowd) reads differently from "+12 min".
 */
export function formatLag(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes === 0) return "0 min";
  return `${minutes > 0 ? "+" : "-"}${Math.abs(minutes)} min`;
}

function episode(
  change: SourcedChange,
  kind: OfficialEpisode["kind"],
  ref: string,
  title?: string,
): OfficialEpisode {
  return { source: change.source, kind, ref, ...(title !== undefined ? { title } : {}), start: change.at };
}

function named(wanted: string[], names: Array<string | undefined>): boolean {
  return names.some((name) => name !== undefined && wanted.includes(name.toLowerCase()));
}
