import { z } from "zod";
import type { OfficialChange } from "./official-change.ts";
import { parseWith } from "./official-parse-error.ts";
import { parseProviderTime } from "./provider-time.ts";

// The shapes of Atlassian Statuspage's public API v2 (/api/v2/summary.json and
// /api/v2/incidents.json), as far as Outcry reads them; other fields are ignored.

const Timestamp = z.string().transform((text, ctx) => {
  const ms = parseProviderTime(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: `not a timestamp with a known zone: ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return ms;
});
const OptionalTimestamp = Timestamp.nullish().transform((ms) => ms ?? undefined);

export const PageIndicator = z.enum(["none", "minor", "major", "critical", "maintenance"]);
export type PageIndicator = z.infer<typeof PageIndicator>;
export const ComponentStatus = z.enum([
  "operational",
  "degraded_performance",
  "partial_outage",
  "major_outage",
  "under_maintenance",
]);
export type ComponentStatus = z.infer<typeof ComponentStatus>;
// Incidents' statuses, and scheduled maintenances', which incidents.json may list too.
const IncidentStatus = z.enum([
  "investigating",
  "identified",
  "monitoring",
  "resolved",
  "postmortem",
  "scheduled",
  "in_progress",
  "verifying",
  "completed",
]);
const IncidentImpact = z.enum(["none", "minor", "major", "critical", "maintenance"]);

const Page = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string().optional(),
  time_zone: z.string().nullish(),
  updated_at: Timestamp,
});

const Component = z.object({
  id: z.string(),
  name: z.string(),
  status: ComponentStatus,
  updated_at: Timestamp,
  group_id: z.string().nullish(),
  group: z.boolean().optional(),
});

const IncidentUpdate = z.object({
  id: z.string(),
  status: IncidentStatus,
  body: z.string(),
  created_at: Timestamp,
  display_at: OptionalTimestamp,
});

const Incident = z.object({
  id: z.string(),
  name: z.string(),
  status: IncidentStatus,
  impact: IncidentImpact,
  created_at: Timestamp,
  updated_at: OptionalTimestamp,
  resolved_at: OptionalTimestamp,
  shortlink: z.string().nullish(),
  incident_updates: z.array(IncidentUpdate),
  components: z.array(z.object({ id: z.string(), name: z.string() })).nullish(),
});
type Incident = z.infer<typeof Incident>;

export const StatuspageSummary = z.object({
  page: Page,
  status: z.object({ indicator: PageIndicator, description: z.string() }),
  components: z.array(Component),
  incidents: z.array(Incident),
});
export type StatuspageSummary = z.infer<typeof StatuspageSummary>;

export const StatuspageIncidents = z.object({ page: Page, incidents: z.array(Incident) });
export type StatuspageIncidents = z.infer<typeof StatuspageIncidents>;

/** What Outcry keeps of a page between readings: enough to diff the next one and to show it. */
export const StatuspageState = z.object({
  kind: z.literal("statuspage"),
  name: z.string(),
  indicator: PageIndicator,
  description: z.string(),
  updatedAt: z.number(),
  components: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: ComponentStatus,
      group: z.string().optional(),
      updatedAt: z.number(),
    }),
  ),
  incidents: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      impact: z.string(),
      createdAt: z.number(),
      updatedAt: z.number(),
      resolvedAt: z.number().optional(),
      components: z.array(z.string()),
    }),
  ),
});
export type StatuspageState = z.infer<typeof StatuspageState>;

/** Incidents kept in the state: the page's incidents.json lists 50; a little more covers churn. */
const KEPT_INCIDENTS = 100;
const RESOLVED_STATUSES = new Set(["resolved", "postmortem", "completed"]);

/** summary.json, checked; an OfficialParseError says what was wrong and where. */
export function parseStatuspageSummary(body: string): StatuspageSummary {
  return parseWith(StatuspageSummary, body, "summary.json");
}

/** incidents.json, checked. */
export function parseStatuspageIncidents(body: string): StatuspageIncidents {
  return parseWith(StatuspageIncidents, body, "incidents.json");
}

export interface Reading<State> {
  state: State;
  changes: OfficialChange[];
}

/**
 * A page's new state and what changed since `previous`: the page indicator and each component's
 * status when they differ from before (a component first seen counts as having been operational,
 * so a first reading records only what is wrong), and every incident that is new or was updated
 * since (its creation, each update, its resolution). `incidents` (from incidents.json) adds the
 * recently resolved incidents the summary no longer lists.
 */
export function readStatuspage(
  summary: StatuspageSummary,
  incidents: StatuspageIncidents | undefined,
  previous: StatuspageState | undefined,
): Reading<StatuspageState> {
  const changes: OfficialChange[] = [];
  const { indicator, description } = summary.status;
  if (previous?.indicator !== indicator) {
    changes.push({
      naturalKey: `status:${indicator}:${iso(summary.page.updated_at)}`,
      kind: "status",
      at: summary.page.updated_at,
      status: indicator,
      title: description,
    });
  }

  const groups = new Map(
    summary.components.filter((component) => component.group).map((group) => [group.id, group.name]),
  );
  const components: StatuspageState["components"] = summary.components
    .filter((component) => !component.group)
    .map((component) => {
      const group = component.group_id ? groups.get(component.group_id) : undefined;
      return {
        id: component.id,
        name: component.name,
        status: component.status,
        ...(group !== undefined ? { group } : {}),
        updatedAt: component.updated_at,
      };
    });
  const before = new Map(previous?.components.map((component) => [component.id, component.status]));
  for (const component of components) {
    if ((before.get(component.id) ?? "operational") === component.status) continue;
    changes.push({
      naturalKey: `component:${component.id}:${component.status}:${iso(component.updatedAt)}`,
      kind: "component",
      at: component.updatedAt,
      status: component.status,
      componentId: component.id,
      componentName: component.name,
      ...(component.group !== undefined ? { componentGroup: component.group } : {}),
    });
  }

  // The fresher copy of each incident, whichever document it came from.
  const current = new Map<string, Incident>();
  for (const incident of [...(incidents?.incidents ?? []), ...summary.incidents]) {
    const seen = current.get(incident.id);
    if (!seen || lastTouched(incident) >= lastTouched(seen)) current.set(incident.id, incident);
  }
  const known = new Map(previous?.incidents.map((incident) => [incident.id, incident]));
  for (const incident of current.values()) {
    const kept = known.get(incident.id);
    if (kept && kept.updatedAt === lastTouched(incident) && kept.status === incident.status) continue;
    changes.push(...incidentChanges(incident, summary.page.url));
    known.set(incident.id, keptIncident(incident));
  }
  const keptIncidents = [...known.values()]
    .sort((a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id))
    .slice(0, KEPT_INCIDENTS);

  return {
    state: {
      kind: "statuspage",
      name: summary.page.name,
      indicator,
      description,
      updatedAt: summary.page.updated_at,
      components,
      incidents: keptIncidents,
    },
    changes,
  };
}

/** An incident's creation, each of its updates, and its resolution, keyed by the provider's ids. */
function incidentChanges(incident: Incident, pageUrl: string | undefined): OfficialChange[] {
  const updates = [...incident.incident_updates].sort((a, b) => a.created_at - b.created_at);
  const first = updates[0];
  const names = (incident.components ?? []).map((component) => component.name);
  const common = {
    incidentId: incident.id,
    title: incident.name,
    impact: incident.impact,
    ...(names.length > 0 ? { components: names } : {}),
    ...(incident.shortlink ? { url: incident.shortlink } : pageUrl ? { url: pageUrl } : {}),
  };
  const changes: OfficialChange[] = [
    {
      naturalKey: `incident:${incident.id}:created`,
      kind: "incident-created",
      at: incident.created_at,
      status: first?.status ?? incident.status,
      ...(first ? { body: first.body } : {}),
      ...common,
    },
  ];
  for (const update of updates) {
    changes.push({
      naturalKey: `incident:${incident.id}:update:${update.id}`,
      kind: "incident-updated",
      // When it was posted: display_at is the time shown, which its author may set earlier.
      at: update.created_at,
      status: update.status,
      body: update.body,
      updateId: update.id,
      ...common,
    });
  }
  const resolvedAt = resolvedTime(incident, updates);
  if (resolvedAt !== undefined) {
    changes.push({
      naturalKey: `incident:${incident.id}:resolved`,
      kind: "incident-resolved",
      at: resolvedAt,
      status: incident.status,
      ...common,
    });
  }
  return changes;
}

/** resolved_at, or for a page that leaves it empty, the update that closed the incident. */
function resolvedTime(incident: Incident, updates: Incident["incident_updates"]): number | undefined {
  if (incident.resolved_at !== undefined) return incident.resolved_at;
  if (!RESOLVED_STATUSES.has(incident.status)) return undefined;
  const closing = updates.find((update) => RESOLVED_STATUSES.has(update.status));
  return closing?.created_at ?? incident.updated_at ?? incident.created_at;
}

function keptIncident(incident: Incident): StatuspageState["incidents"][number] {
  const resolvedAt = resolvedTime(incident, incident.incident_updates);
  return {
    id: incident.id,
    name: incident.name,
    status: incident.status,
    impact: incident.impact,
    createdAt: incident.created_at,
    updatedAt: lastTouched(incident),
    ...(resolvedAt !== undefined ? { resolvedAt } : {}),
    components: (incident.components ?? []).map((component) => component.name),
  };
}

function lastTouched(incident: Incident): number {
  return Math.max(
    incident.updated_at ?? incident.created_at,
    ...incident.incident_updates.map((update) => update.created_at),
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
