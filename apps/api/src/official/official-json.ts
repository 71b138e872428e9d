import { z } from "@hono/zod-openapi";
import type { OfficialSourceRow } from "@outcry/db";
import type { OfficialComparison, OfficialEpisode, Unacknowledged } from "@outcry/official";
import type { ServiceOfficial } from "./official-word.ts";

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
/** Signed whole minutes: negative when the provider spoke before the crowd. */
const minutes = (ms: number | undefined) => (ms === undefined ? null : Math.round(ms / 60_000));

export const OfficialEpisodeJson = z
  .object({
    kind: z.enum(["incident", "component", "status", "post"]),
    source: z.string(),
    ref: z.string().openapi({ description: "The provider's incident or component id, or the post's time" }),
    title: z.string().nullable(),
    start: z.iso.datetime(),
    end: z.iso.datetime().nullable(),
  })
  .openapi("OfficialEpisode");

export function officialEpisodeJson(episode: OfficialEpisode) {
  return {
    kind: episode.kind,
    source: episode.source,
    ref: episode.ref,
    title: episode.title ?? null,
    start: new Date(episode.start).toISOString(),
    end: iso(episode.end),
  };
}

const UnacknowledgedJson = z
  .object({
    since: z.iso.datetime().openapi({ description: "When the official silence began" }),
    minutes: z.number().int(),
  })
  .nullable()
  .openapi({
    description: "Set while the crowd's incident is open and the provider says all is well",
  });

function unacknowledgedJson(value: Unacknowledged | undefined) {
  return value ? { since: new Date(value.since).toISOString(), minutes: value.minutes } : null;
}

export const OfficialSourceJson = z
  .object({
    kind: z.enum(["statuspage", "feed", "bluesky"]),
    url: z.string().openapi({ description: "Where it is read: a URL, or at://handle" }),
    checkedAt: z.iso.datetime().nullable(),
    succeededAt: z.iso.datetime().nullable(),
    stale: z.boolean().openapi({ description: "Not read successfully for a while: its word may be old" }),
    lastError: z.string().nullable(),
  })
  .openapi("OfficialSource");

function sourceJson(source: OfficialSourceRow) {
  return {
    kind: source.kind,
    url: source.key,
    checkedAt: iso(source.checkedAt),
    succeededAt: iso(source.succeededAt),
    stale: source.stale,
    lastError: source.lastError ?? null,
  };
}

export const ServiceOfficialJson = z
  .object({
    sources: z.array(OfficialSourceJson),
    allIsWell: z.boolean().openapi({ description: "The provider says nothing is wrong right now" }),
    open: z.array(OfficialEpisodeJson).openapi({ description: "What the provider says is wrong right now" }),
    unacknowledged: UnacknowledgedJson,
  })
  .nullable()
  .openapi("ServiceOfficial", { description: "null when the catalog names no official source" });

export function serviceOfficialJson(official: ServiceOfficial) {
  return {
    sources: official.sources.map(sourceJson),
    allIsWell: official.open.length === 0,
    open: official.open.map(officialEpisodeJson),
    unacknowledged: unacknowledgedJson(official.unacknowledged),
  };
}

export const IncidentOfficialJson = z
  .object({
    acknowledgedAt: z.iso.datetime().nullable().openapi({
      description:
        "The first official word overlapping the incident; before the onset when the provider was first",
    }),
    acknowledgedBy: OfficialEpisodeJson.nullable(),
    acknowledgementLagMinutes: z.number().int().nullable().openapi({
      description: "From the crowd's onset to the acknowledgement; negative when the provider spoke first",
    }),
    resolvedOfficially: z.iso.datetime().nullable(),
    resolutionLagMinutes: z.number().int().nullable(),
    unacknowledged: UnacknowledgedJson,
  })
  .nullable()
  .openapi("IncidentOfficial", { description: "null when the catalog names no official source" });

export function incidentOfficialJson(comparison: OfficialComparison, silence: Unacknowledged | undefined) {
  return {
    acknowledgedAt: iso(comparison.acknowledgedAt),
    acknowledgedBy: comparison.acknowledgedBy ? officialEpisodeJson(comparison.acknowledgedBy) : null,
    acknowledgementLagMinutes: minutes(comparison.acknowledgementLagMs),
    resolvedOfficially: iso(comparison.resolvedOfficially),
    resolutionLagMinutes: minutes(comparison.resolutionLagMs),
    unacknowledged: unacknowledgedJson(silence),
  };
}
