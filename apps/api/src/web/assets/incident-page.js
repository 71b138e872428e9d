// The incident page's chart: the incident's series from an hour before its onset to half an hour
// after its end (or now), the incident shaded, and what the provider said officially over that
// window hatched along the top.
import { officialSentence, parseOfficial } from "./official-band.js";
import { SignalChart } from "./signal-chart.js";

const MINUTE = 60_000;
const MAX_POINTS = 1_500;
const STEPS = [
  ["1m", MINUTE],
  ["5m", 5 * MINUTE],
  ["15m", 15 * MINUTE],
  ["1h", 60 * MINUTE],
  ["1d", 1440 * MINUTE],
];

const page = document.querySelector(".incident-page");
const host = document.getElementById("chart");
const start = Number(page.dataset.start);
const end = page.dataset.end ? Number(page.dataset.end) : null;
const from = start - 60 * MINUTE;
const to = Math.min(Date.now(), (end ?? Date.now()) + 30 * MINUTE);
const [step] = STEPS.find(([, ms]) => (to - from) / ms <= MAX_POINTS) ?? STEPS.at(-1);

const query = new URLSearchParams({
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
  step,
});
// A regional incident is judged per source: its chart shows that region and source, with its band.
if (page.dataset.region) query.set("region", page.dataset.region);
if (page.dataset.source) query.set("source", page.dataset.source);

const chart = new SignalChart(host, { incidents: [{ id: page.dataset.incident, start, end }] });
fetch(`/v1/services/${page.dataset.service}/series?${query}`)
  .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
  .then((body) => {
    chart.setPoints(body.points.map((point) => ({ ...point, t: Date.parse(point.t) })));
    const official = parseOfficial(body.official);
    chart.setOfficial(official);
    // Only a service whose provider Outcry reads has the note.
    const note = document.getElementById("chart-official-note");
    if (note) {
      note.textContent = officialSentence(official, page.dataset.serviceName);
      note.hidden = official.length === 0;
    }
  })
  .catch(() => {
    host.textContent = "The chart could not be loaded.";
  });

const citation = document.getElementById("citation");
citation.addEventListener("focus", () => citation.select());
