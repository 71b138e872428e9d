import { DAY_MS, type Service } from "@outcry/core";
import { GLOBAL_REGION, type IncidentRow, listIncidents, serviceOverviews } from "@outcry/db";
import type { ApiDeps } from "../../app-env.ts";
import { categoryLabel, type PageStatus, renderPage, statusLabel } from "../layout.ts";
import { type HtmlEscapedString, markup } from "../markup.ts";
import { utcSpan } from "../time-format.ts";
import type { WebAssets } from "../web-assets.ts";

/** Longest search the page takes; longer ones are cut (no service name comes close). */
const MAX_QUERY = 100;
const RECENT_INCIDENTS = 10;

const SEVERITY: Record<PageStatus, number> = { problems: 0, possible: 1, ok: 2, unknown: 2 };

export interface HomePageData {
  /** Every service, problems first; those the search does not match are rendered hidden. */
  services: Array<{ service: Service; status: PageStatus; matches: boolean }>;
  query: string;
  /** Global incidents of the last day, newest first. */
  incidents: IncidentRow[];
  serviceName: (slug: string) => string;
}

/** What `/` shows: the catalog with each service's status, searched by `q`. */
export async function loadHomePage(deps: ApiDeps, rawQuery: string, now: number): Promise<HomePageData> {
  const query = rawQuery.trim().slice(0, MAX_QUERY);
  const catalog = deps.catalog();
  const [overviews, incidents] = await Promise.all([
    serviceOverviews(deps.db),
    listIncidents(deps.db, { region: GLOBAL_REGION, from: now - DAY_MS, limit: RECENT_INCIDENTS }),
  ]);
  // All of them, the ones not matching hidden: the page's script widens a search without a reload.
  const services = catalog
    .list()
    .map((service) => ({
      service,
      status: (overviews.get(service.slug)?.status ?? "unknown") as PageStatus,
      matches: matchesQuery(service, query),
    }))
    .sort(
      (a, b) =>
        SEVERITY[a.status] - SEVERITY[b.status] ||
        a.service.name.localeCompare(b.service.name, "en", { sensitivity: "base" }),
    );
  return {
    services,
    query,
    incidents,
    serviceName: (slug) => catalog.get(slug)?.name ?? slug,
  };
}

/** Lower case without accents, as GET /v1/services folds them: "cafe" finds "Café". */
function folded(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The words a search looks in: name, slug, category and every alias, folded. */
export function searchText(service: Service): string {
  return folded([service.name, service.slug, service.category, ...service.aliases].join(" "));
}

/** Whether every word of the query is in the service's search text. The page script does the same. */
export function matchesQuery(service: Service, query: string): boolean {
  const text = searchText(service);
  return folded(query)
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => text.includes(word));
}

export function renderHomePage(data: HomePageData, assets: WebAssets): string {
  const troubled = data.services.filter((entry) => entry.status === "problems").length;
  const matching = data.services.filter((entry) => entry.matches).length;
  const summary =
    data.query === ""
      ? `${data.services.length} services`
      : `${matching} of ${data.services.length} services match “${data.query}”`;
  const main = markup`
<h1>Is it down, or is it just you?</h1>
<p class="lede">Live outage signals for ${data.services.length} services: reports from people who cannot reach them and public posts, against what is normal for the time of week.</p>
<p class="headline-count" id="troubled">${
    troubled === 0
      ? "No service shows problems right now."
      : `${troubled} ${troubled === 1 ? "service shows" : "services show"} problems right now.`
  }</p>
${recentIncidents(data)}
<form class="search" action="/" method="get" role="search">
<label for="q">Search services</label>
<div class="search-row">
<input id="q" type="search" name="q" value="${data.query}" maxlength="${MAX_QUERY}" autocomplete="off" spellcheck="false" aria-controls="services" aria-describedby="search-summary">
<button type="submit">Search</button>
</div>
</form>
<p id="search-summary" class="search-summary" aria-live="polite">${summary}</p>
<p class="empty" id="no-match"${matching === 0 ? "" : " hidden"}>No service matches. Try another name.</p>
<ul id="services" class="service-list">
${data.services.map(serviceItem)}
</ul>`;
  return renderPage({
    title: "Outcry: is it down? Live outage reports",
    description: `Live outage reports for ${data.services.length} services, from the public and public posts.`,
    main,
    assets,
    scripts: ["home-page.js"],
    headerSearch: false,
  });
}

function serviceItem(entry: HomePageData["services"][number]): HtmlEscapedString {
  const { service, status } = entry;
  return markup`<li data-slug="${service.slug}" data-search="${searchText(service)}"${entry.matches ? "" : " hidden"}>
<a href="/services/${service.slug}"><span class="service-name">${service.name}</span> <span class="service-category">${categoryLabel(service.category)}</span></a>
${statusLabel(status)}
</li>
`;
}

/** Incidents of the last day, above the list, for whoever came to see what is down; none, nothing. */
function recentIncidents(data: HomePageData): HtmlEscapedString | "" {
  if (data.incidents.length === 0) return "";
  return markup`<section class="recent-incidents" aria-labelledby="incidents-title">
<h2 id="incidents-title">Incidents in the last 24 hours</h2>
<ul class="incident-list">${data.incidents.map(
    (incident) =>
      markup`<li><a href="/incidents/${incident.id}">${data.serviceName(incident.service)}</a> <span class="incident-when">${utcSpan(incident.startedAt.getTime(), incident.resolvedAt?.getTime())}</span> ${incident.status === "open" ? statusLabel("problems") : ""}</li>`,
  )}</ul>
</section>`;
}
