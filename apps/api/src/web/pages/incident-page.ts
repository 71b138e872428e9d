import { regionName } from "@outcry/core";
import { GLOBAL_REGION, getIncident, type IncidentRow, incidentComposition } from "@outcry/db";
import type { ApiDeps } from "../../app-env.ts";
import { type IncidentOfficial, incidentOfficial } from "../../official/official-word.ts";
import { barItem, renderPage, statusLabel } from "../layout.ts";
import { type HtmlEscapedString, markup } from "../markup.ts";
import { duration, utcDate, utcDateTime, utcSpan } from "../time-format.ts";
import type { WebAssets } from "../web-assets.ts";

/** Problem types and regions listed with an incident, as the incident route lists them. */
const TOP = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IncidentPageData {
  incident: IncidentRow;
  serviceName: string;
  problems: Array<{ label: string; count: number; share: number }>;
  regions: Array<{ region: string; count: number; share: number }>;
  /** The provider's word on it; undefined when the catalog names no official source. */
  official: IncidentOfficial | undefined;
  origin: string;
  now: number;
}

/** What `/incidents/:id` shows; undefined for an id that is no incident's. */
export async function loadIncidentPage(
  deps: ApiDeps,
  id: string,
  origin: string,
  now: number,
): Promise<IncidentPageData | undefined> {
  if (!UUID.test(id)) return undefined;
  const incident = await getIncident(deps.db, id);
  if (!incident) return undefined;
  const composition = await incidentComposition(deps.db, {
    service: incident.service,
    region: incident.region,
    from: incident.startedAt.getTime(),
    to: (incident.resolvedAt ?? new Date(now)).getTime(),
    top: TOP,
  });
  const service = deps.catalog().get(incident.service);
  const crowd = {
    id: incident.id,
    startedAt: incident.startedAt.getTime(),
    resolvedAt: incident.resolvedAt?.getTime(),
  };
  const official = service ? await incidentOfficial(deps.db, service, crowd, now) : undefined;
  const labels = new Map(service?.problems.map((problem) => [problem.id, problem.label]));
  return {
    incident,
    serviceName: service?.name ?? incident.service,
    problems: composition.problems.map(({ key, count, share }) => ({
      label: labels.get(key) ?? key,
      count,
      share,
    })),
    regions: composition.regions.map(({ key, count, share }) => ({ region: key, count, share })),
    official,
    origin,
    now,
  };
}

/** "Spotify: problems detected in the United Kingdom, 16 April 2025, 12:00–16:08 UTC". */
export function incidentTitle(incident: IncidentRow, serviceName: string): string {
  const where = incident.region === GLOBAL_REGION ? "" : ` in ${regionName(incident.region)}`;
  return `${serviceName}: problems detected${where}, ${utcSpan(incident.startedAt.getTime(), incident.resolvedAt?.getTime())}`;
}

/**
 * A line to cite the incident by: who says so, what, where to find it and when it was read, in the
 * order of a web reference. While the incident is open the line says so, since it will change.
 */
export function citationLine(data: IncidentPageData): string {
  const { incident } = data;
  const state = incident.status === "open" ? " (ongoing when retrieved)" : "";
  return `Outcry, “${incidentTitle(incident, data.serviceName)}”${state}, incident ${incident.id}. ${data.origin}/incidents/${incident.id} (retrieved ${utcDateTime(data.now)}).`;
}

export function renderIncidentPage(data: IncidentPageData, assets: WebAssets): string {
  const { incident } = data;
  const title = incidentTitle(incident, data.serviceName);
  const permalink = `${data.origin}/incidents/${incident.id}`;
  const started = incident.startedAt.getTime();
  const end = incident.resolvedAt?.getTime();
  const ratio = incident.peakExpected > 0 ? incident.peakCount / incident.peakExpected : undefined;
  const main = markup`<article class="incident-page" data-incident="${incident.id}" data-service="${incident.service}" data-service-name="${data.serviceName}" data-region="${incident.region === GLOBAL_REGION ? "" : incident.region}" data-source="${incident.region === GLOBAL_REGION ? "" : incident.source}" data-start="${started}" data-end="${end ?? ""}">
<p class="eyebrow"><a href="/services/${incident.service}">${data.serviceName}</a> · Incident</p>
<h1>${title}</h1>
<p class="incident-state">${incident.status === "open" ? statusLabel("problems") : markup`<span class="status-label status-ok">Resolved</span>`} ${
    end === undefined
      ? `Open for ${duration(data.now - started)} so far.`
      : `Lasted ${duration(end - started)}.`
  }</p>
<section aria-labelledby="timeline-title">
<h2 id="timeline-title">Timeline (UTC)</h2>
<ol class="timeline">
<li><time datetime="${incident.startedAt.toISOString()}">${utcDateTime(started)}</time> <span>Began: the first minute with unusually many reports.</span></li>
<li><time datetime="${incident.detectedAt.toISOString()}">${utcDateTime(incident.detectedAt.getTime())}</time> <span>Opened: the detector judged it an outage.</span></li>
<li><time datetime="${incident.peakAt.toISOString()}">${utcDateTime(incident.peakAt.getTime())}</time> <span>Peak: ${incident.peakCount} in one minute, against about ${round(incident.peakExpected)} expected.</span></li>
<li>${
    end === undefined
      ? markup`<span>Not resolved yet.</span>`
      : markup`<time datetime="${incident.resolvedAt?.toISOString()}">${utcDateTime(end)}</time> <span>Resolved: ten calm minutes in a row.</span>`
  }</li>
</ol>
</section>
${officialSection(data)}
<section aria-labelledby="peak-title">
<h2 id="peak-title">Peak against normal</h2>
<p class="peak"><strong>${incident.peakCount}</strong> signals in the busiest minute, about <strong>${round(incident.peakExpected)}</strong> expected${
    ratio === undefined || !Number.isFinite(ratio)
      ? ""
      : ` (${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)} times normal)`
  }. Anomaly score ${incident.peakScore.toFixed(2)} of 1.</p>
<div class="chart" id="chart" role="img" aria-labelledby="peak-title chart-caption"></div>
<p class="section-note" id="chart-caption">${incident.region === GLOBAL_REGION ? "All regions" : regionName(incident.region)}, signals per minute around the incident; the shaded span is the incident.${
    // Filled in by the page script when the series brings the provider's word for this window.
    data.official ? markup` <span id="chart-official-note" hidden></span>` : ""
  }</p>
</section>
<div class="columns">
${shareSection(
  "problems-title",
  "Problems reported",
  data.problems.map((entry) => ({ name: entry.label, ...entry })),
)}
${
  incident.region === GLOBAL_REGION
    ? shareSection(
        "regions-title",
        "Regions",
        data.regions.map((entry) => ({ name: regionName(entry.region), ...entry })),
      )
    : markup`<section><h2>Region</h2><p>${regionName(incident.region)}, ${incident.source === "bluesky" ? "Bluesky posts" : "reports"}.${
        incident.globalIncidentId
          ? markup` Part of <a href="/incidents/${incident.globalIncidentId}">the incident across all regions</a>.`
          : ""
      }</p></section>`
}
</div>
<section class="cite" aria-labelledby="cite-title">
<h2 id="cite-title">Cite this incident</h2>
<p>Permanent link: <a href="${permalink}">${permalink}</a></p>
<label for="citation">Suggested citation</label>
<textarea id="citation" class="citation" readonly rows="4">${citationLine(data)}</textarea>
<p>Data: <a href="/v1/incidents/${incident.id}">JSON</a>. Times are UTC; counts are public reports and matched public posts per minute.</p>
</section>
</article>`;
  return renderPage({
    title: `${title} · Outcry`,
    description: `${data.serviceName} incident: ${incident.peakCount} signals in the busiest minute against about ${round(incident.peakExpected)} expected. ${utcDate(started)}.`,
    canonical: permalink,
    main,
    assets,
    scripts: ["incident-page.js"],
    preload: ["signal-chart.js", "official-band.js", "utc-time.js"],
    chart: true,
  });
}

function shareSection(
  id: string,
  title: string,
  entries: Array<{ name: string; count: number; share: number }>,
): HtmlEscapedString {
  return markup`<section aria-labelledby="${id}">
<h2 id="${id}">${title}</h2>
${
  entries.length === 0
    ? markup`<p class="empty">None recorded.</p>`
    : markup`<ul class="bar-list">${entries.map((entry) =>
        barItem(entry.name, `${entry.count} (${Math.round(entry.share * 100)}%)`, entry.share),
      )}</ul>`
}
</section>`;
}

function round(value: number): number {
  return value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
}

/** The provider's acknowledgement and all-clear, timed from the crowd's onset. */
function officialSection(data: IncidentPageData): HtmlEscapedString | string {
  const { official, serviceName } = data;
  if (!official) return "";
  const { comparison } = official;
  const lag = (ms: number) =>
    ms < 0
      ? `${duration(-ms)} before the public's reports began`
      : `${duration(ms)} after the public's reports began`;
  return markup`<section class="official" aria-labelledby="official-title">
<h2 id="official-title">What ${serviceName} said</h2>
${
  !official.heard
    ? markup`<p>Outcry has not been able to read ${serviceName}'s official status, so it cannot say.</p>`
    : comparison.acknowledgedAt === undefined || comparison.acknowledgementLagMs === undefined
      ? markup`<p class="official-silence">No official word about it${data.incident.status === "open" ? " so far" : ""}.</p>`
      : markup`<ul class="official-open">
<li>Acknowledged <time datetime="${new Date(comparison.acknowledgedAt).toISOString()}">${utcDateTime(comparison.acknowledgedAt)}</time>${comparison.acknowledgedBy?.title ? markup` (“${comparison.acknowledgedBy.title}”)` : ""}: ${lag(comparison.acknowledgementLagMs)}.</li>
${
  comparison.resolvedOfficially === undefined || comparison.resolutionLagMs === undefined
    ? markup`<li>No official all-clear yet.</li>`
    : markup`<li>Declared resolved <time datetime="${new Date(comparison.resolvedOfficially).toISOString()}">${utcDateTime(comparison.resolvedOfficially)}</time>: ${lag(comparison.resolutionLagMs)}.</li>`
}
</ul>`
}
</section>`;
}
