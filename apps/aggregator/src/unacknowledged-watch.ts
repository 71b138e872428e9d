import { DAY_MS } from "@outcry/core";
import {
  ALL_SOURCES,
  type Db,
  GLOBAL_REGION,
  listIncidents,
  listOfficialChanges,
  listServices,
  loadOfficialSources,
} from "@outcry/db";
import { officialEpisodes, sourceMatches, unacknowledged } from "@outcry/official";
import { appendLiveEvent, type LiveEvent, type RedisClient } from "@outcry/queue";

/** An official incident opened up to a week before the crowd's still acknowledges it. */
const LOOKBACK_MS = 7 * DAY_MS;
/** How long the "already announced" mark of an incident is kept: longer than any incident. */
const ANNOUNCED_TTL_S = 14 * 24 * 3_600;

/**
 * Announces `incident.unacknowledged` once per incident: a service's open incident (as a whole)
 * whose provider has said nothing for `afterMinutes` while the crowd says problems. A Redis key set
 * only if absent makes it once across aggregators and ticks. Services that name no official source
 * are not judged (silence is only news where there is a page to be silent on), nor those whose
 * sources were never read.
 */
export async function announceUnacknowledged(
  db: Db,
  redis: RedisClient,
  prefix: string,
  afterMinutes: number,
  now: number,
): Promise<LiveEvent[]> {
  const open = await listIncidents(db, {
    status: "open",
    region: GLOBAL_REGION,
    source: ALL_SOURCES,
    limit: 1_000,
  });
  if (open.length === 0) return [];
  const services = new Map((await listServices(db)).map((service) => [service.slug, service]));
  const announced: LiveEvent[] = [];
  for (const incident of open) {
    const matches = sourceMatches(services.get(incident.service)?.official);
    if (matches.length === 0) continue;
    // Never read: a quiet page is then our ignorance, not the provider's silence.
    const sources = await loadOfficialSources(
      db,
      matches.map((match) => match.source),
    );
    if (!sources.some((source) => source.succeededAt !== undefined)) continue;
    const crowd = { id: incident.id, startedAt: incident.startedAt.getTime() };
    const changes = await listOfficialChanges(db, {
      sources: matches.map((match) => match.source),
      from: crowd.startedAt - LOOKBACK_MS,
      to: now + 1,
    });
    const silence = unacknowledged(crowd, officialEpisodes(changes, matches), now);
    if (!silence || silence.minutes < afterMinutes) continue;
    const first = await redis.set(
      `${prefix}:unacknowledged:${incident.id}`,
      "1",
      "EX",
      ANNOUNCED_TTL_S,
      "NX",
    );
    if (first !== "OK") continue;
    const event: LiveEvent = {
      type: "incident.unacknowledged",
      service: incident.service,
      region: GLOBAL_REGION,
      incidentId: incident.id,
      at: now,
      since: silence.since,
      minutes: silence.minutes,
    };
    await appendLiveEvent(redis, prefix, event);
    announced.push(event);
  }
  return announced;
}
