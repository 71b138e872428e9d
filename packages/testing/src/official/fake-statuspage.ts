import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { Hono } from "hono";
import {
  closeServer,
  conditionalResponse,
  FaultQueue,
  faultResponse,
  type HttpFault,
  listen,
} from "./http-faults.ts";

export type FakeComponentStatus =
  | "operational"
  | "degraded_performance"
  | "partial_outage"
  | "major_outage"
  | "under_maintenance";
export type FakeIncidentStatus = "investigating" | "identified" | "monitoring" | "resolved" | "postmortem";
export type FakeImpact = "none" | "minor" | "major" | "critical";

export interface FakePageOptions {
  name?: string;
  /** Components by name; a name under a group is written "Group/Name". Default: one "API". */
  components?: string[];
  /**
   * The page's time zone as an offset in minutes east of UTC: every timestamp is written in it,
   * as Statuspage writes times in the page's zone. Default 0 (written with "Z").
   */
  utcOffsetMinutes?: number;
  /** The page's clock, epoch ms; default Date.now. Tests move it to build timelines. */
  now?: () => number;
}

interface Component {
  id: string;
  name: string;
  groupId: string | null;
  group: boolean;
  status: FakeComponentStatus;
  createdAt: number;
  updatedAt: number;
}

interface Update {
  id: string;
  status: FakeIncidentStatus;
  body: string;
  createdAt: number;
  affected: Array<{ code: string; name: string; old_status: string; new_status: string }>;
}

interface Incident {
  id: string;
  name: string;
  status: FakeIncidentStatus;
  impact: FakeImpact;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  componentIds: string[];
  updates: Update[];
}

/** One Statuspage (at `url`), with a state tests change and documents in the real API v2 shapes. */
export class FakeStatuspagePage {
  readonly url: string;
  readonly id = randomId();
  readonly name: string;
  /** Faults for the next requests to either document of this page. */
  readonly faults = new FaultQueue();
  readonly #offset: number;
  readonly #now: () => number;
  readonly #components: Component[] = [];
  readonly #incidents: Incident[] = [];
  readonly #requests = new Map<string, number>();
  readonly #headers: Record<string, string>[] = [];
  readonly #times: number[] = [];
  #updatedAt: number;

  constructor(url: string, options: FakePageOptions) {
    this.url = url;
    this.name = options.name ?? "Example";
    this.#offset = options.utcOffsetMinutes ?? 0;
    this.#now = options.now ?? Date.now;
    const created = this.#now() - 365 * 24 * 3_600_000;
    this.#updatedAt = created;
    const groups = new Map<string, Component>();
    for (const path of options.components ?? ["API"]) {
      const [groupName, name] = path.includes("/") ? path.split("/", 2) : [undefined, path];
      let groupId: string | null = null;
      if (groupName) {
        let group = groups.get(groupName);
        if (!group) {
          group = component(groupName, null, true, created);
          groups.set(groupName, group);
          this.#components.push(group);
        }
        groupId = group.id;
      }
      this.#components.push(component(name ?? path, groupId, false, created));
    }
  }

  /** Requests received for a document ("summary.json", "incidents.json"). */
  requests(document: string): number {
    return this.#requests.get(document) ?? 0;
  }

  /** The request headers of every request, oldest first (conditional headers, User-Agent). */
  get requestHeaders(): readonly Record<string, string>[] {
    return this.#headers;
  }

  /** When each request arrived (epoch ms), oldest first. */
  get requestTimes(): readonly number[] {
    return this.#times;
  }

  failNext(count: number, fault: HttpFault): void {
    this.faults.add(count, fault);
  }

  setComponent(name: string, status: FakeComponentStatus, at = this.#now()): void {
    const target = this.#component(name);
    target.status = status;
    target.updatedAt = at;
    this.#touch(at);
  }

  /** Opens an incident with its first update; returns its id. */
  openIncident(input: {
    name: string;
    impact: FakeImpact;
    body: string;
    components?: string[];
    status?: FakeIncidentStatus;
    at?: number;
  }): string {
    const at = input.at ?? this.#now();
    const incident: Incident = {
      id: randomId(),
      name: input.name,
      status: input.status ?? "investigating",
      impact: input.impact,
      createdAt: at,
      updatedAt: at,
      resolvedAt: null,
      componentIds: (input.components ?? []).map((name) => this.#component(name).id),
      updates: [],
    };
    this.#incidents.unshift(incident);
    this.#addUpdate(incident, incident.status, input.body, at);
    return incident.id;
  }

  updateIncident(id: string, input: { status: FakeIncidentStatus; body: string; at?: number }): void {
    const incident = this.#incident(id);
    const at = input.at ?? this.#now();
    incident.status = input.status;
    if (input.status === "resolved") incident.resolvedAt = at;
    this.#addUpdate(incident, input.status, input.body, at);
  }

  resolveIncident(id: string, input: { body?: string; at?: number } = {}): void {
    this.updateIncident(id, {
      status: "resolved",
      body: input.body ?? "This incident has been resolved.",
      ...(input.at !== undefined ? { at: input.at } : {}),
    });
  }

  /** GET /api/v2/summary.json */
  summary(): Record<string, unknown> {
    const unresolved = this.#incidents.filter((incident) => incident.resolvedAt === null);
    const indicator = this.#indicator(unresolved);
    return {
      page: this.#page(),
      components: this.#components.map((entry) => this.#componentJson(entry)),
      incidents: unresolved.map((incident) => this.#incidentJson(incident)),
      scheduled_maintenances: [],
      status: { indicator, description: DESCRIPTIONS[indicator] },
    };
  }

  /** GET /api/v2/incidents.json: the latest 50, resolved or not. */
  incidents(): Record<string, unknown> {
    return {
      page: this.#page(),
      incidents: this.#incidents.slice(0, 50).map((incident) => this.#incidentJson(incident)),
    };
  }

  /** Answers a request for one of this page's documents. */
  async handle(request: Request, document: string): Promise<Response> {
    this.#requests.set(document, this.requests(document) + 1);
    this.#headers.push(Object.fromEntries(request.headers));
    this.#times.push(Date.now());
    const path = new URL(request.url).pathname;
    const faulted = await faultResponse(this.faults.take(), path, "application/json; charset=utf-8");
    if (faulted) return faulted;
    const body =
      document === "summary.json"
        ? this.summary()
        : document === "incidents.json"
          ? this.incidents()
          : undefined;
    if (!body) return new Response("Not Found", { status: 404 });
    return conditionalResponse(
      request,
      JSON.stringify(body),
      this.#updatedAt,
      "application/json; charset=utf-8",
    );
  }

  #addUpdate(incident: Incident, status: FakeIncidentStatus, body: string, at: number): void {
    incident.updates.unshift({ id: randomId(), status, body, createdAt: at, affected: [] });
    incident.updatedAt = at;
    this.#touch(at);
  }

  #touch(at: number): void {
    this.#updatedAt = Math.max(this.#updatedAt, at);
  }

  #component(name: string): Component {
    const found = this.#components.find((entry) => entry.name === name && !entry.group);
    if (!found) throw new Error(`no component ${name} on ${this.name}`);
    return found;
  }

  #incident(id: string): Incident {
    const found = this.#incidents.find((incident) => incident.id === id);
    if (!found) throw new Error(`no incident ${id} on ${this.name}`);
    return found;
  }

  /** The worst of the open incidents' impacts and the components' statuses, as Statuspage rolls it up. */
  #indicator(unresolved: Incident[]): keyof typeof DESCRIPTIONS {
    const ranks = ["none", "maintenance", "minor", "major", "critical"] as const;
    let worst = 0;
    for (const incident of unresolved) worst = Math.max(worst, ranks.indexOf(incident.impact));
    for (const entry of this.#components)
      worst = Math.max(worst, ranks.indexOf(COMPONENT_INDICATOR[entry.status]));
    return ranks[worst] ?? "none";
  }

  #page(): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      url: this.url,
      time_zone:
        this.#offset === 0
          ? "Etc/UTC"
          : `Etc/GMT${this.#offset > 0 ? "-" : "+"}${Math.abs(this.#offset / 60)}`,
      updated_at: this.#time(this.#updatedAt),
    };
  }

  #componentJson(entry: Component): Record<string, unknown> {
    return {
      id: entry.id,
      name: entry.name,
      status: entry.group ? this.#groupStatus(entry) : entry.status,
      created_at: this.#time(entry.createdAt),
      updated_at: this.#time(entry.group ? this.#groupUpdatedAt(entry) : entry.updatedAt),
      position: 1,
      description: null,
      showcase: false,
      start_date: null,
      group_id: entry.groupId,
      page_id: this.id,
      group: entry.group,
      only_show_if_degraded: false,
      ...(entry.group
        ? {
            components: this.#components
              .filter((child) => child.groupId === entry.id)
              .map((child) => child.id),
          }
        : {}),
    };
  }

  #groupStatus(group: Component): FakeComponentStatus {
    const order: FakeComponentStatus[] = [
      "operational",
      "under_maintenance",
      "degraded_performance",
      "partial_outage",
      "major_outage",
    ];
    const children = this.#components.filter((child) => child.groupId === group.id);
    return children.reduce<FakeComponentStatus>(
      (worst, child) => (order.indexOf(child.status) > order.indexOf(worst) ? child.status : worst),
      "operational",
    );
  }

  #groupUpdatedAt(group: Component): number {
    const children = this.#components.filter((child) => child.groupId === group.id);
    return Math.max(group.updatedAt, ...children.map((child) => child.updatedAt));
  }

  #incidentJson(incident: Incident): Record<string, unknown> {
    return {
      id: incident.id,
      name: incident.name,
      status: incident.status,
      created_at: this.#time(incident.createdAt),
      updated_at: this.#time(incident.updatedAt),
      monitoring_at: null,
      resolved_at: incident.resolvedAt === null ? null : this.#time(incident.resolvedAt),
      impact: incident.impact,
      shortlink: `https://stspg.io/${incident.id.slice(0, 7)}`,
      started_at: this.#time(incident.createdAt),
      page_id: this.id,
      incident_updates: incident.updates.map((update) => ({
        id: update.id,
        status: update.status,
        body: update.body,
        incident_id: incident.id,
        created_at: this.#time(update.createdAt),
        updated_at: this.#time(update.createdAt),
        display_at: this.#time(update.createdAt),
        affected_components: update.affected.length > 0 ? update.affected : null,
        deliver_notifications: true,
        custom_tweet: null,
        tweet_id: null,
      })),
      components: incident.componentIds.map((id) => {
        const entry = this.#components.find((candidate) => candidate.id === id) as Component;
        return this.#componentJson(entry);
      }),
      reminder_intervals: null,
    };
  }

  /** An ISO 8601 time in the page's zone, with milliseconds, as Statuspage writes them. */
  #time(ms: number): string {
    if (this.#offset === 0) return new Date(ms).toISOString();
    const local = new Date(ms + this.#offset * 60_000).toISOString().slice(0, -1);
    const sign = this.#offset < 0 ? "-" : "+";
    const abs = Math.abs(this.#offset);
    return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }
}

/**
 * A local Atlassian Statuspage for offline tests: any number of pages, each at
 * `${url}/${slug}`, serving /api/v2/summary.json and /api/v2/incidents.json in the shapes the
 * real API v2 sends (components with groups, incidents with their updates, times in the page's own
 * zone), with a weak ETag and Last-Modified and 304s for conditional requests. Faults (429 with
 * Retry-After, 5xx, HTML, garbage, redirect loops, moves, slow answers) are injected per page.
 *
 * What it simplifies: no scheduled maintenances, no subscribers, no page access control; the page
 * indicator is the worst of open incidents' impacts and components' statuses.
 */
export class FakeStatuspage {
  readonly url: string;
  readonly #server: Server;
  readonly #pages = new Map<string, FakeStatuspagePage>();

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(): Promise<FakeStatuspage> {
    let fake: FakeStatuspage | undefined;
    const app = new Hono();
    app.get("/:slug/api/v2/:document{.+}", (c) => {
      const page = (fake as FakeStatuspage).#pages.get(c.req.param("slug"));
      const document = c.req.param("document");
      if (!page) return c.text("Not Found", 404);
      if (document.endsWith("/loop")) {
        return new Response(null, {
          status: 302,
          headers: { location: c.req.path.slice(0, -"/loop".length) },
        });
      }
      return page.handle(c.req.raw, document);
    });
    app.all("*", (c) => c.text("Not Found", 404));
    const { server, url } = await listen(app);
    fake = new FakeStatuspage(server, url);
    return fake;
  }

  /** A new page at `${url}/${slug}`. */
  addPage(slug: string, options: FakePageOptions = {}): FakeStatuspagePage {
    if (this.#pages.has(slug)) throw new Error(`page ${slug} exists`);
    const page = new FakeStatuspagePage(`${this.url}/${slug}`, options);
    this.#pages.set(slug, page);
    return page;
  }

  async close(): Promise<void> {
    await closeServer(this.#server);
  }
}

const DESCRIPTIONS = {
  none: "All Systems Operational",
  maintenance: "Service Under Maintenance",
  minor: "Partially Degraded Service",
  major: "Partial System Outage",
  critical: "Major System Outage",
} as const;

const COMPONENT_INDICATOR: Record<FakeComponentStatus, keyof typeof DESCRIPTIONS> = {
  operational: "none",
  under_maintenance: "maintenance",
  degraded_performance: "minor",
  partial_outage: "minor",
  major_outage: "major",
};

function component(name: string, groupId: string | null, group: boolean, at: number): Component {
  return { id: randomId(), name, groupId, group, status: "operational", createdAt: at, updatedAt: at };
}

/** Statuspage ids: 12 lower-case letters and digits. */
function randomId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(12)].map((byte) => alphabet[byte % alphabet.length]).join("");
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
