// The service page, once it has loaded: the 24-hour chart, the "I have a problem" button, and live
// updates from /v1/stream (each minute's count, incidents opening and closing, the provider's
// official word) without a reload.
import { officialSentence, parseOfficial } from "./official-band.js";
import { SignalChart } from "./signal-chart.js";
import { utcDateTime, utcTime } from "./utc-time.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const RECENT = 15 * MINUTE;
const SHADE_LEVELS = 5;
// The same words as the server's STATUS_TEXT (layout.ts).
const STATUS = {
  problems: { headline: "Problems detected", detail: "Reports are far above what is normal at this time." },
  possible: { headline: "Possible problems", detail: "More reports than usual, not (yet) an outage." },
  ok: { headline: "No current problems", detail: "Reports are at their usual level." },
  unknown: {
    headline: "No current problems",
    detail: "Too few reports so far to know what is normal for this service.",
  },
};

const page = document.querySelector(".service-page");
const slug = page.dataset.service;
const serviceName = page.dataset.serviceName;
const byId = (id) => document.getElementById(id);
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });
const regionName = (code) => (code === "ZZ" ? "Unknown" : (regionNames.of(code) ?? code));

const chartHost = byId("chart");
const chart = new SignalChart(chartHost, { incidents: JSON.parse(chartHost.dataset.incidents || "[]") });
const incidents = new Map(JSON.parse(chartHost.dataset.incidents || "[]").map((entry) => [entry.id, entry]));
/** The chart's points, t in epoch ms, one per minute over the last 24 hours. */
let points = [];
/** What the provider said officially over those hours, as the series gives it (official-band.js). */
let official = [];

class Refusal extends Error {}

async function getJson(url) {
  // Revalidate: the API allows 15 s of caching, and a live page wants the minute that just ended.
  const response = await fetch(url, { cache: "no-cache" });
  if (!response.ok) throw new Refusal(`${url}: ${response.status}`);
  return response.json();
}

async function loadSeries() {
  const body = await getJson(`/v1/services/${slug}/series`);
  points = body.points.map((point) => ({ ...point, t: Date.parse(point.t) }));
  official = parseOfficial(body.official);
  chart.setOfficial(official);
  // Only services whose provider Outcry reads have the key; it shows while there is a strip.
  const officialKey = byId("chart-key-official");
  if (officialKey) officialKey.hidden = official.length === 0;
  showPoints();
}

function showPoints() {
  chart.setPoints(points);
  const total = points.reduce((sum, point) => sum + point.count, 0);
  const busiest = points.reduce(
    (best, point) => (point.count > (best?.count ?? 0) ? point : best),
    undefined,
  );
  const crowd =
    total === 0
      ? "No signals in the last 24 hours."
      : `${total} ${total === 1 ? "signal" : "signals"} in the last 24 hours; the busiest minute was ${utcTime(busiest.t)} with ${busiest.count}.`;
  byId("chart-summary").textContent = [crowd, officialSentence(official, serviceName)].join(" ").trim();
  const recent = points.filter((point) => point.t >= points.at(-1).t + MINUTE - RECENT);
  const count = recent.reduce((sum, point) => sum + point.count, 0);
  const banded = recent.filter((point) => point.expected !== null);
  const expected = banded.reduce((sum, point) => sum + point.expected, 0);
  byId("status-figures").textContent =
    `${count} ${count === 1 ? "signal" : "signals"} in the last 15 minutes${
      banded.length > 0 ? `; usually about ${expected < 10 ? expected.toFixed(1) : Math.round(expected)}` : ""
    }.`;
}

/** Moves the chart's window on to the minute now filling; the band carries on at its last value. */
function advance(now = Date.now()) {
  const current = Math.floor(now / MINUTE) * MINUTE;
  let last = points.at(-1);
  if (!last) return;
  while (last.t < current) {
    last = { t: last.t + MINUTE, count: 0, expected: last.expected, upper: last.upper };
    points.push(last);
  }
  points = points.filter((point) => point.t > current - DAY);
}

function setStatus(status) {
  const section = byId("status");
  if (section.dataset.status === status) return;
  section.dataset.status = status;
  section.className = `status status-${status}`;
  byId("status-headline").textContent = STATUS[status].headline;
  byId("status-detail").textContent = STATUS[status].detail;
  document.title = document.title.replace(/\? .*? · /, `? ${STATUS[status].headline} · `);
}

// ---- Reporting: the button reveals the problem types; one more click sends the report.

const openButton = byId("report-open");
const panel = byId("report-panel");
const regionSelect = byId("report-region");
const result = byId("report-result");
const refusal = byId("report-error");
const choices = [...panel.querySelectorAll(".problem-choice")];

openButton.hidden = false;
openButton.addEventListener("click", () => {
  const open = openButton.getAttribute("aria-expanded") !== "true";
  openButton.setAttribute("aria-expanded", String(open));
  panel.hidden = !open;
  if (open) choices[0]?.focus();
});

// The country: the last one chosen here, else the one the browser's language names, else unknown.
const savedRegion = localStorage.getItem("outcry-region");
const languageRegion = navigator.languages
  .map((language) => /-([A-Z]{2})\b/i.exec(language)?.[1]?.toUpperCase())
  .find(Boolean);
for (const code of [savedRegion, languageRegion]) {
  if (code && regionSelect.querySelector(`option[value="${code}"]`)) {
    regionSelect.value = code;
    break;
  }
}
regionSelect.addEventListener("change", () => localStorage.setItem("outcry-region", regionSelect.value));

for (const choice of choices) choice.addEventListener("click", () => report(choice.dataset.problem));

async function report(problem) {
  for (const choice of choices) choice.disabled = true;
  refusal.textContent = "";
  result.textContent = "";
  try {
    const total = () => points.reduce((sum, point) => sum + point.count, 0);
    const before = total();
    const response = await fetch("/v1/reports", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: slug, problem, region: regionSelect.value }),
    });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const retry = response.headers.get("retry-after");
      // The API's own words, as a sentence: "Too many reports from this address; slow down."
      const message = body?.error?.message ?? `the report was refused (${response.status})`;
      const sentence = `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? "" : "."}`;
      refusal.textContent = `${sentence}${retry ? ` Try again in ${retry} ${retry === "1" ? "second" : "seconds"}.` : ""}`;
      return;
    }
    openButton.setAttribute("aria-expanded", "false");
    panel.hidden = true;
    // The aggregator counts a report within a second or two: wait for it, so the chart shows it.
    for (let attempt = 0; body.counted && attempt < 15; attempt++) {
      await loadSeries();
      if (total() > before) break;
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    const regions = await getJson(`/v1/services/${slug}/regions?source=report`);
    const others = Math.max(0, regions.regions.reduce((sum, entry) => sum + entry.count, 0) - 1);
    const crowd = `${others} other ${others === 1 ? "person" : "people"} reported problems with ${serviceName} in the last 15 minutes.`;
    result.textContent = body.counted
      ? `Thanks, your report is counted. ${crowd}`
      : `Thanks. You already reported ${serviceName} in the last 15 minutes, so this one is not counted twice. ${crowd}`;
  } catch {
    refusal.textContent = "The report could not be sent. Check your connection and try again.";
  } finally {
    for (const choice of choices) choice.disabled = false;
  }
}

// ---- Live: the minute's count and status, incidents, the map and the problem mix.

const liveState = byId("live-state");
const stream = new EventSource(`/v1/stream?service=${encodeURIComponent(slug)}`);
stream.addEventListener("open", () => {
  page.dataset.live = "open";
  liveState.hidden = false;
  liveState.textContent = "Live: this page updates every minute.";
});
stream.addEventListener("error", () => {
  page.dataset.live = "reconnecting";
  liveState.textContent = "Live updates paused; reconnecting…";
});
stream.addEventListener("counts", (event) => {
  const data = JSON.parse(event.data);
  const entry = data.services.find((service) => service.service === slug);
  if (!entry) return;
  advance();
  const point = points.find((candidate) => candidate.t === data.minute);
  if (point) Object.assign(point, { count: entry.count, expected: entry.expected, upper: entry.upper });
  showPoints();
  setStatus(entry.status);
  page.dataset.lastMinute = String(data.minute);
  liveState.textContent = `Live: updated at ${utcTime(Date.now())}.`;
  refreshRegions();
  refreshProblems();
});
for (const type of ["incident.opened", "incident.updated", "incident.resolved"]) {
  stream.addEventListener(type, (event) => showIncident(type, JSON.parse(event.data)));
}
// The provider said something: the series brings its episodes again, the strip with them.
stream.addEventListener("official.changed", () => loadSeries().catch(() => {}));

async function showIncident(type, event) {
  const incident = await getJson(`/v1/incidents/${event.incidentId}`);
  const start = Date.parse(incident.startedAt);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : null;
  const item = incidentItem(incident, start, end);
  const list = byId("incident-list");
  const existing = list.querySelector(`[data-incident="${incident.id}"]`);
  if (existing) existing.replaceWith(item);
  else list.prepend(item);
  byId("incidents-empty").hidden = true;
  if (incident.region !== null) return;
  incidents.set(incident.id, { id: incident.id, start, end });
  chart.setIncidents([...incidents.values()]);
  const note = byId("status-incident");
  note.replaceChildren();
  if (type === "incident.resolved") {
    setStatus("ok");
    note.hidden = true;
    return;
  }
  setStatus("problems");
  const link = document.createElement("a");
  link.href = `/incidents/${incident.id}`;
  link.textContent = `Incident since ${utcDateTime(start)}`;
  note.append(link);
  note.hidden = false;
}

/** The same item as the server's incidentItem (service-page.ts), built with text only. */
function incidentItem(incident, start, end) {
  const item = document.createElement("li");
  item.dataset.incident = incident.id;
  const link = document.createElement("a");
  link.href = `/incidents/${incident.id}`;
  link.textContent =
    end === null ? `since ${utcDateTime(start)}` : `${utcDateTime(start)} – ${utcDateTime(end)}`;
  const where = document.createElement("span");
  where.className = "incident-where";
  where.textContent = incident.region === null ? "All regions" : regionName(incident.region);
  item.append(link, " ", where, " ");
  if (incident.status === "open") {
    const label = document.createElement("span");
    label.className = "status-label status-problems";
    label.textContent = "Problems";
    item.append(label);
  }
  const peak = document.createElement("span");
  peak.className = "incident-peak";
  peak.textContent = `Peak ${incident.peak.count} a minute, ${Math.round(incident.peak.expected * 10) / 10} expected`;
  item.append(peak);
  return item;
}

async function refreshRegions() {
  const { regions } = await getJson(`/v1/services/${slug}/regions`);
  const counted = regions.filter((entry) => entry.count > 0);
  const mapped = counted.filter((entry) => entry.region !== "ZZ");
  const map = document.querySelector(".world-map");
  const mapUrl = map.dataset.mapUrl;
  const max = Math.max(0, ...counted.map((entry) => entry.count));
  const shades = mapped.map((entry) => {
    // The same scale as shadeLevels (region-map.ts): log, against the busiest region.
    const level = Math.max(1, Math.ceil((SHADE_LEVELS * Math.log1p(entry.count)) / Math.log1p(max)));
    const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", `${mapUrl}#${entry.region}`);
    use.setAttribute("class", `shade-${level}`);
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = `${entry.name}: ${entry.count} ${entry.count === 1 ? "signal" : "signals"}`;
    use.append(title);
    return use;
  });
  map.querySelector(".shades").replaceChildren(...shades);
  const items = counted.slice(0, 8).map((entry) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = entry.name;
    const count = document.createElement("span");
    count.className = "count";
    count.textContent = String(entry.count);
    item.append(name, " ", count);
    return item;
  });
  byId("region-list").replaceChildren(...items);
  byId("regions-empty").hidden = items.length > 0;
}

async function refreshProblems() {
  const { problems } = await getJson(`/v1/services/${slug}/problems`);
  const named = problems.filter((entry) => entry.count > 0);
  const items = named.map((entry) => {
    const item = document.createElement("li");
    const label = document.createElement("span");
    label.className = "bar-label";
    label.textContent = entry.label;
    const value = document.createElement("span");
    value.className = "bar-value";
    value.textContent = `${Math.round(entry.share * 100)}%`;
    const bar = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    bar.setAttribute("class", "bar");
    bar.setAttribute("viewBox", "0 0 100 1");
    bar.setAttribute("preserveAspectRatio", "none");
    bar.setAttribute("aria-hidden", "true");
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("width", String(Math.max(1, Math.round(entry.share * 100))));
    rect.setAttribute("height", "1");
    bar.append(rect);
    item.append(label, " ", value, bar);
    return item;
  });
  byId("problem-list").replaceChildren(...items);
  byId("problems-empty").hidden = items.length > 0;
}

// ---- Start: draw the chart, then keep its window on the current minute.

const embed = byId("embed-code");
embed.addEventListener("focus", () => embed.select());

loadSeries().catch(() => {
  byId("chart-summary").textContent = "The chart could not be loaded; the data links below still work.";
});
setInterval(() => {
  advance();
  if (points.length > 0) showPoints();
}, MINUTE);
document.addEventListener("visibilitychange", () => {
  // A phone that slept missed minutes the stream does not replay into the chart: reload the data.
  if (document.visibilityState === "visible") loadSeries().catch(() => {});
});
