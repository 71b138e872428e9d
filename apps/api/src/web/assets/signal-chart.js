// A uPlot chart of signals per bucket against the detector's normal band (between the expected
// count and the top of the band), with incidents shaded behind and the provider's official word
// hatched along the top. Colours come from the page's CSS custom properties, so the chart follows
// light and dark mode.
import { drawOfficialBand } from "./official-band.js";
import { utcTick, utcTime } from "./utc-time.js";

const { uPlot } = globalThis;

export class SignalChart {
  #host;
  #plot;
  #data = [[], [], [], []];
  #incidents;
  #official = [];

  /** `incidents`: [{ id, start, end }] in epoch ms, end null while open. */
  constructor(host, { incidents = [] } = {}) {
    this.#host = host;
    this.#incidents = incidents;
    new ResizeObserver(() => this.#plot?.setSize(this.#size())).observe(host);
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => this.#rebuild());
  }

  /** Points as the series API gives them, with t in epoch ms: [{ t, count, expected, upper }]. */
  setPoints(points) {
    this.#data = [
      points.map((point) => point.t / 1000),
      points.map((point) => point.upper),
      points.map((point) => point.expected),
      points.map((point) => point.count),
    ];
    // What the chart shows, for scripts and tests reading the page.
    this.#host.dataset.points = String(points.length);
    this.#host.dataset.total = String(points.reduce((sum, point) => sum + point.count, 0));
    if (this.#plot) this.#plot.setData(this.#data);
    else this.#rebuild();
  }

  setIncidents(incidents) {
    this.#incidents = incidents;
    this.#plot?.redraw(false);
  }

  /** The provider's episodes, from official-band.js's parseOfficial: [{ kind, title, start, end }]. */
  setOfficial(episodes) {
    this.#official = episodes;
    // How many the chart holds, for scripts and tests reading the page.
    this.#host.dataset.official = String(episodes.length);
    this.#plot?.redraw(false);
  }

  #size() {
    const width = Math.max(280, this.#host.clientWidth);
    return { width, height: Math.round(Math.min(320, Math.max(220, width * 0.42))) };
  }

  #rebuild() {
    this.#plot?.destroy();
    const style = getComputedStyle(this.#host);
    const color = (name) => style.getPropertyValue(name).trim();
    const axis = {
      stroke: color("--chart-axis"),
      grid: { stroke: color("--chart-grid"), width: 1 },
      ticks: { stroke: color("--chart-grid"), width: 1 },
    };
    const hidden = { show: false };
    this.#plot = new uPlot(
      {
        ...this.#size(),
        tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
        scales: { y: { range: (_plot, _min, max) => [0, Math.max(4, Math.ceil((max ?? 0) * 1.15))] } },
        axes: [
          { ...axis, values: (_plot, splits) => splits.map((seconds) => utcTick(seconds * 1000)) },
          { ...axis, size: 48 },
        ],
        series: [
          { value: (_plot, seconds) => (seconds == null ? "" : utcTime(seconds * 1000)) },
          { label: "Top of normal", stroke: color("--chart-expected"), width: 0, points: hidden },
          { label: "Expected", stroke: color("--chart-expected"), width: 1, dash: [4, 4], points: hidden },
          {
            label: "Signals",
            stroke: color("--chart-count"),
            fill: color("--chart-count-fill"),
            width: 2,
            points: hidden,
          },
        ],
        bands: [{ series: [1, 2], fill: color("--chart-band") }],
        hooks: {
          drawClear: [
            (plot) => this.#shade(plot, color("--chart-incident")),
            (plot) => drawOfficialBand(plot, this.#official, color("--chart-official")),
          ],
        },
      },
      this.#data,
      this.#host,
    );
    this.#host.dataset.ready = "true";
  }

  /** Incidents as bands behind the series, an open one reaching to the chart's end. */
  #shade(plot, fill) {
    const { ctx, bbox } = plot;
    ctx.save();
    ctx.fillStyle = fill;
    const edge = bbox.left + bbox.width;
    for (const incident of this.#incidents) {
      const left = Math.max(bbox.left, plot.valToPos(incident.start / 1000, "x", true));
      const right = Math.min(edge, plot.valToPos((incident.end ?? Date.now()) / 1000, "x", true));
      if (right <= bbox.left || left >= edge) continue;
      // At least a few pixels: an incident minutes old is still seen on a day's chart.
      const width = Math.max(right - left, 4 * devicePixelRatio);
      ctx.fillRect(Math.min(left, edge - width), bbox.top, width, bbox.height);
    }
    ctx.restore();
  }
}
