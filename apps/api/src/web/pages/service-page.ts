import { alignDown, DAY_MS, HOUR_MS, MINUTE_MS, RegionCode, regionName, type Service } from "@outcry/core";
import {
  GLOBAL_REGION,
  type IncidentRow,
  latestPosts,
  listIncidents,
  type PostRow,
  problemCounts,
  regionCounts,
  seriesForService,
  serviceStatus,
} from "@outcry/db";
import type { ApiDeps } from "../../app-env.ts";
import { officialWord, type ServiceOfficial, serviceOfficial } from "../../official/official-word.ts";
import { expectedBand } from "../../series-band.ts";
import { barItem, categoryLabel, type PageStatus, renderPage, STATUS_TEXT, statusLabel } from "../layout.ts";
import { type RegionCount, regionMap } from "../map/region-map.ts";
import { type HtmlEscapedString, markup } from "../markup.ts";
import { postUrl } from "../post-link.ts";
import { ago, utcDateTime, utcSpan, utcTime } from "../time-format.ts";
import type { WebAssets } from "../web-assets.ts";
import { sourceLabel, sourceLink } from "./official-source-link.ts";

/** "Now" on the page: the status figures and the map cover the last quarter of an hour. */
const RECENT_MS = 15 * MINUTE_MS;
const RECENT_INCIDENTS = 8;
const RECENT_POSTS = 6;
const LISTED_REGIONS = 8;

export interface ServicePageData {
  service: Service;
  status: PageStatus;
  openIncident: IncidentRow | undefined;
  /** Signals over the last 15 minutes (the minute now filling included), and what is normal. */
  recent: { count: number; expected: number | undefined };
  /** The same window per region, busiest first. */
  regions: RegionCount[];
  /** Problem types named over the last hour, most named first; only those named. */
  problems: { total: number; entries: Array<{ id: string; label: string; count: number; share: number }> };
  /** The last 24 hours in hours: the total and the busiest hour, for readers without the chart. */
  day: { total: number; busiest: { t: number; count: number } | undefined };
  incidents: IncidentRow[];
  posts: PostRow[];
  /** What the provider says officially; undefined when the catalog names no source. */
  official: ServiceOfficial | undefined;
  /** Scheme, host and port the page was asked on: for the embed snippet. */
  origin: string;
  now: number;
}

/** What `/services/:slug` shows; undefined for a slug the catalog does not have. */
export async function loadServicePage(
  deps: ApiDeps,
  slug: string,
  origin: string,
  now: number,
): Promise<ServicePageData | undefined> {
  const service = deps.catalog().get(slug);
  if (!service) return undefined;
  const recentTo = alignDown(now, MINUTE_MS) + MINUTE_MS;
  const recentFrom = recentTo - RECENT_MS;
  const dayTo = alignDown(now, HOUR_MS) + HOUR_MS;
  const { db } = deps;
  const [status, regions, band, problems, hours, incidents, posts, word] = await Promise.all([
    serviceStatus(db, slug),
    regionCounts(db, { service: slug, from: recentFrom, to: recentTo }),
    expectedBand(
      db,
      { service: slug, region: GLOBAL_REGION, source: "all" },
      recentFrom,
      recentTo,
      RECENT_MS,
    ),
    problemCounts(db, { service: slug, from: now - HOUR_MS, to: now }),
    seriesForService(db, { service: slug, from: dayTo - DAY_MS, to: dayTo, stepMs: HOUR_MS }),
    listIncidents(db, { service: slug, limit: RECENT_INCIDENTS }),
    latestPosts(db, slug, RECENT_POSTS),
    officialWord(db, service, { from: now, to: now + 1 }),
  ]);
  const problemTotal = problems.reduce((sum, row) => sum + row.count, 0);
  const labels = new Map(service.problems.map((problem) => [problem.id, problem.label]));
  const busiest = hours.reduce<{ t: number; count: number } | undefined>(
    (best, hour) => (hour.count > (best?.count ?? 0) ? hour : best),
    undefined,
  );
  return {
    service,
    status: status?.status ?? "unknown",
    openIncident: status?.openIncident,
    recent: { count: regions.reduce((sum, row) => sum + row.count, 0), expected: band?.[0]?.expected },
    regions,
    problems: {
      total: problemTotal,
      entries: problems
        .filter((row) => row.count > 0)
        .sort((a, b) => b.count - a.count)
        .map((row) => ({
          id: row.problem,
          label: labels.get(row.problem) ?? row.problem,
          count: row.count,
          share: row.count / problemTotal,
        })),
    },
    day: { total: hours.reduce((sum, hour) => sum + hour.count, 0), busiest },
    incidents,
    posts,
    official: word && serviceOfficial(word, status?.openIncident, now),
    origin,
    now,
  };
}

export function renderServicePage(data: ServicePageData, assets: WebAssets): string {
  const { service } = data;
  const text = STATUS_TEXT[data.status];
  const main = markup`<article class="service-page" data-service="${service.slug}" data-service-name="${service.name}">
<p class="eyebrow">${categoryLabel(service.category)}</p>
<h1>Is ${service.name} down?</h1>
${statusSection(data)}
${officialSection(data)}
${reportSection(service)}
${chartSection(data)}
<div class="columns">
${problemsSection(data)}
${mapSection(data, assets)}
</div>
${incidentsSection(data)}
${postsSection(data)}
${embedSection(data)}
</article>`;
  return renderPage({
    title: `Is ${service.name} down? ${text.headline} · Outcry`,
    description: `${service.name}: ${text.headline.toLowerCase()}. Live reports from the public and public posts over the last 24 hours.`,
    canonical: `${data.origin}/services/${service.slug}`,
    main,
    assets,
    scripts: ["service-page.js"],
    preload: ["signal-chart.js", "official-band.js", "utc-time.js"],
    chart: true,
  });
}

function statusSection(data: ServicePageData): HtmlEscapedString {
  const text = STATUS_TEXT[data.status];
  const { count, expected } = data.recent;
  const usually =
    expected === undefined
      ? ""
      : `; usually about ${expected < 10 ? expected.toFixed(1) : Math.round(expected)}`;
  return markup`<section class="status status-${data.status}" id="status" data-status="${data.status}" aria-labelledby="status-headline">
<div aria-live="polite" aria-atomic="true">
<h2 class="status-headline" id="status-headline">${text.headline}</h2>
<p class="status-detail" id="status-detail">${text.detail}</p>
</div>
<p class="status-figures" id="status-figures">${count} ${count === 1 ? "signal" : "signals"} in the last 15 minutes${usually}.</p>
<p class="status-incident" id="status-incident"${data.openIncident ? "" : " hidden"}>${
    data.openIncident
      ? markup`<a href="/incidents/${data.openIncident.id}">Incident ${utcSpan(data.openIncident.startedAt.getTime(), undefined)}</a>`
      : ""
  }</p>
<p class="live-state" id="live-state" hidden></p>
</section>`;
}

/** The provider's own word beside the crowd's: what it says is wrong, or its silence. */
function officialSection(data: ServicePageData): HtmlEscapedString | string {
  const { official, service } = data;
  if (!official) return "";
  const silence = official.unacknowledged;
  return markup`<section class="official" aria-labelledby="official-title">
<h2 id="official-title">What ${service.name} says</h2>
${
  silence
    ? markup`<p class="official-silence"><strong>Not acknowledged:</strong> the public has reported problems for ${silence.minutes} ${silence.minutes === 1 ? "minute" : "minutes"}, and ${service.name}'s status page still says nothing is wrong.</p>`
    : ""
}
${
  !official.heard
    ? markup`<p>Outcry has not been able to read ${service.name}'s official status yet.</p>`
    : official.open.length === 0
      ? markup`<p>No problem announced officially.</p>`
      : markup`<ul class="official-open">${official.open.map(
          (episode) =>
            markup`<li>${episode.title ?? "Problem announced"} <span class="official-since">since ${utcDateTime(episode.start)}</span></li>`,
        )}</ul>`
}
<p class="section-note">Read from ${official.sources.map(
    (source, index) =>
      markup`${index > 0 ? ", " : ""}<a href="${sourceLink(source.key)}" rel="nofollow noopener noreferrer">${sourceLabel(source.key)}</a>${source.stale ? " (not reachable lately)" : ""}`,
  )}.</p>
</section>`;
}

function reportSection(service: Service): HtmlEscapedString {
  return markup`<section class="report" aria-labelledby="report-open">
<button class="report-button" id="report-open" type="button" aria-expanded="false" aria-controls="report-panel" hidden>I have a problem with ${service.name}</button>
<noscript><p class="note">Reporting a problem needs JavaScript, or the API: <code>POST /v1/reports</code>.</p></noscript>
<div class="report-panel" id="report-panel" hidden>
<p class="report-question" id="report-question">What is not working?</p>
<div class="problem-choices" role="group" aria-labelledby="report-question">
${service.problems.map((problem) => markup`<button type="button" class="problem-choice" data-problem="${problem.id}">${problem.label}</button>`)}
</div>
<p class="report-where"><label for="report-region">Where are you?</label>
<select id="report-region">
<option value="ZZ">Rather not say</option>
${regionChoices().map((region) => markup`<option value="${region.code}">${region.name}</option>`)}
</select></p>
<p class="note">One report per person per service counts every 15 minutes. Outcry keeps the problem, the country and a keyed hash of your address (to count you once), nothing else.</p>
</div>
<p class="report-result" id="report-result" role="status"></p>
<p class="report-error" id="report-error" role="alert"></p>
</section>`;
}

function chartSection(data: ServicePageData): HtmlEscapedString {
  const { service, day } = data;
  const dayStart = data.now - DAY_MS;
  // The chart shades the service's own (global) incidents that overlap its 24 hours.
  const shaded = data.incidents
    .filter(
      (incident) =>
        incident.region === GLOBAL_REGION && (incident.resolvedAt?.getTime() ?? data.now) > dayStart,
    )
    .map((incident) => ({
      id: incident.id,
      start: incident.startedAt.getTime(),
      end: incident.resolvedAt?.getTime() ?? null,
    }));
  const summary =
    day.total === 0
      ? "No signals in the last 24 hours."
      : `${day.total} ${day.total === 1 ? "signal" : "signals"} in the last 24 hours${
          day.busiest ? `; the busiest hour began at ${utcTime(day.busiest.t)} with ${day.busiest.count}` : ""
        }.`;
  return markup`<section class="chart-section" aria-labelledby="chart-title">
<h2 id="chart-title">Reports and posts, last 24 hours</h2>
<p class="chart-summary" id="chart-summary">${summary}</p>
<div class="chart" id="chart" data-incidents="${JSON.stringify(shaded)}" role="img" aria-labelledby="chart-title" aria-describedby="chart-summary chart-key"></div>
<p class="chart-key" id="chart-key"><span class="key key-count"></span> signals per minute <span class="key key-band"></span> normal range <span class="key key-incident"></span> incident${officialKey(data)}</p>
<p class="data-links">Data: <a href="/v1/services/${service.slug}/series?format=csv">CSV</a> · <a href="/v1/services/${service.slug}/series">JSON</a></p>
</section>`;
}

/**
 * The key to the official strip, for a service whose provider Outcry reads: hidden until the page
 * script has episodes to draw, which come with the series (GET /v1/services/{slug}/series).
 */
function officialKey(data: ServicePageData): HtmlEscapedString | string {
  if (!data.official) return "";
  return markup` <span id="chart-key-official" hidden><span class="key key-official"></span> ${data.service.name}'s official word (top strip)</span>`;
}

function problemsSection(data: ServicePageData): HtmlEscapedString {
  const { entries } = data.problems;
  return markup`<section class="problems" aria-labelledby="problems-title">
<h2 id="problems-title">Most reported problems</h2>
<p class="section-note">Last hour</p>
<p class="empty" id="problems-empty"${entries.length === 0 ? "" : " hidden"}>No problem named in the last hour.</p>
<ul class="bar-list" id="problem-list">
${entries.map((entry) => barItem(entry.label, `${Math.round(entry.share * 100)}%`, entry.share))}
</ul>
</section>`;
}

function mapSection(data: ServicePageData, assets: WebAssets): HtmlEscapedString {
  const listed = data.regions.slice(0, LISTED_REGIONS);
  return markup`<section class="regions" aria-labelledby="map-title">
<h2 id="map-title">Where from</h2>
<p class="section-note">Last 15 minutes, by country</p>
${regionMap({
  mapUrl: assets.url("world.svg"),
  counts: data.regions,
  label: `Map of signals by country over the last 15 minutes${listed.length > 0 ? `; most from ${regionName(listed[0]?.region ?? "")}` : ""}`,
})}
<p class="empty" id="regions-empty"${listed.length === 0 ? "" : " hidden"}>No signals in the last 15 minutes.</p>
<ol class="region-list" id="region-list">
${listed.map((entry) => markup`<li><span>${regionName(entry.region)}</span> <span class="count">${entry.count}</span></li>`)}
</ol>
</section>`;
}

function incidentsSection(data: ServicePageData): HtmlEscapedString {
  return markup`<section class="incidents" aria-labelledby="incidents-title">
<h2 id="incidents-title">Recent incidents</h2>
<p class="empty" id="incidents-empty"${data.incidents.length === 0 ? "" : " hidden"}>No incident so far.</p>
<ul class="incident-list" id="incident-list">
${data.incidents.map(incidentItem)}
</ul>
</section>`;
}

/** One incident in a list; the page script builds the same item for an incident opened live. */
function incidentItem(incident: IncidentRow): HtmlEscapedString {
  const where = incident.region === GLOBAL_REGION ? "All regions" : regionName(incident.region);
  return markup`<li data-incident="${incident.id}"><a href="/incidents/${incident.id}">${utcSpan(incident.startedAt.getTime(), incident.resolvedAt?.getTime())}</a> <span class="incident-where">${where}</span> ${incident.status === "open" ? statusLabel("problems") : ""}
<span class="incident-peak">Peak ${incident.peakCount} a minute, ${Math.round(incident.peakExpected * 10) / 10} expected</span></li>`;
}

function postsSection(data: ServicePageData): HtmlEscapedString {
  return markup`<section class="posts" aria-labelledby="posts-title">
<h2 id="posts-title">What people say</h2>
<p class="section-note">Public Bluesky posts judged to be complaints about ${data.service.name}.</p>
${
  data.posts.length === 0
    ? markup`<p class="empty">No matching post lately.</p>`
    : markup`<ul class="post-list">${data.posts.map((post) => {
        const url = postUrl(post.uri);
        return markup`<li><blockquote lang="${post.lang}"><p>${post.text}</p></blockquote>
<p class="post-meta"><time datetime="${post.postedAt.toISOString()}">${ago(post.postedAt.getTime(), data.now)}</time>${
          post.region === "ZZ" ? "" : ` · ${regionName(post.region)}`
        }${url ? markup` · <a href="${url}" rel="nofollow noopener noreferrer">View on Bluesky</a>` : ""}</p></li>`;
      })}</ul>`
}
</section>`;
}

function embedSection(data: ServicePageData): HtmlEscapedString {
  const { service, origin } = data;
  const imageUrl = `${origin}/v1/services/${service.slug}/chart.svg?range=24h`;
  // The snippet is HTML for someone else's page: escaped once for it, and again for this one.
  const snippet = String(
    markup`<img src="${imageUrl}" alt="${service.name}: outage reports over the last 24 hours (Outcry)" width="800" height="400">`,
  );
  return markup`<section class="embed" aria-labelledby="embed-title">
<h2 id="embed-title">Embed this chart</h2>
<p>Paste this into a web page or an article; the image is redrawn every minute.</p>
<label for="embed-code">HTML</label>
<textarea id="embed-code" class="embed-code" readonly rows="4" spellcheck="false">${snippet}</textarea>
<p><button type="button" id="embed-copy" hidden>Copy the HTML</button> <a id="embed-image" href="${imageUrl}">Open the image</a></p>
</section>`;
}

let regions: Array<{ code: string; name: string }> | undefined;

/**
 * Every country a report may name, by English name: the codes the API's own RegionCode accepts,
 * found by asking it about every pair of letters once.
 */
function regionChoices(): Array<{ code: string; name: string }> {
  if (!regions) {
    const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    regions = [...letters]
      .flatMap((first) => [...letters].map((second) => first + second))
      .filter((code) => code !== "ZZ" && RegionCode.safeParse(code).success)
      .map((code) => ({ code, name: regionName(code) }))
      .sort((a, b) => a.name.localeCompare(b.name, "en"));
  }
  return regions;
}
