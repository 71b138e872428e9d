import { DAY_MS, HOUR_MS, MINUTE_MS } from "@outcry/core";
import { CHART_PALETTES, type ChartPalette, type ChartTheme } from "./chart-palette.ts";
import { countTicks } from "./count-ticks.ts";
import { escapeXml } from "./escape-xml.ts";
import {
  type ChartOfficialEpisode,
  type OfficialSpan,
  officialNoun,
  officialSpans,
} from "./official-spans.ts";
import { timeTicks, utcClock, utcDateTime, utcDay } from "./time-ticks.ts";

export interface ChartPoint {
  /** Bucket start, epoch ms. */
  t: number;
  count: number;
  /** The detector's expected count and the top of its band; null where there is none. */
  expected: number | null;
  upper: number | null;
}

export interface ChartIncident {
  startedAt: number;
  /** null while the incident is open. */
  resolvedAt: number | null;
}

export interface ChartOptions {
  /** "Spotify problem reports – United Kingdom"; plain text, escaped here. */
  title: string;
  /** What was counted, for the legend and the source line: "reports and Bluesky posts". */
  sources: string;
  /** The service's page on this site, printed in the source line so a reader can find it. */
  pagePath: string;
  /** The range drawn, epoch ms: `from` inclusive, `to` exclusive, both on bucket edges. */
  from: number;
  to: number;
  stepMs: number;
  /** When the chart was drawn, printed in the source line. */
  generatedAt: number;
  theme: ChartTheme;
  width: number;
  height: number;
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const PAD = 16;
const TITLE_SIZE = 17;
const TEXT_SIZE = 12;
const SMALL_SIZE = 11;
const LINE_GAP = 14;
// SVG text does not wrap or measure itself: widths are estimated from an average glyph of a
// sans-serif face, generous enough that estimated text rarely overruns.
const GLYPH_WIDTH = 0.58;
// The official strip sits in a row of its own above the plot, clear of the count line however high
// it climbs: its height, and the room it takes with the gap under it.
const STRIP_HEIGHT = 10;
const STRIP_ROOM = 14;
// A post is an instant: marked this wide, so that it can be seen and pointed at.
const INSTANT_WIDTH = 3;
const HATCH_ID = "outcry-chart-official-hatch";
const MAX_DESCRIBED = 5;
const numbers = new Intl.NumberFormat("en-US");

/**
 * The chart of one series as a standalone SVG document: title, counts against the detector's band,
 * incidents shaded, the provider's official word as a hatched strip above the plot, axes in UTC, a
 * legend and a source line. Pure: the same input, the same bytes.
 */
export function renderChartSvg(
  points: ChartPoint[],
  incidents: ChartIncident[],
  options: ChartOptions,
  official: ChartOfficialEpisode[] = [],
) {
  const { width, height, from, to, stepMs } = options;
  const palette = CHART_PALETTES[options.theme];
  const banded = points.some((point) => point.expected !== null && point.upper !== null);
  const spans = incidentSpans(incidents, from, to);
  const officials = officialSpans(official, from, to);
  const peak = points.reduce<ChartPoint | undefined>(
    (best, point) => (best === undefined || point.count > best.count ? point : best),
    undefined,
  );

  const legend = legendRows(
    [
      { kind: "line" as const, label: capitalize(options.sources) },
      ...(banded ? [{ kind: "band" as const, label: "Expected range" }] : []),
      ...(spans.length > 0 ? [{ kind: "incident" as const, label: "Incident" }] : []),
      ...(officials.length > 0
        ? [{ kind: "official" as const, label: `Provider's official ${officialNoun(officials)}` }]
        : []),
    ],
    width - 2 * PAD,
  );
  const source = sourceLines(options, width - 2 * PAD);

  const top = 72 + legend.length * 18 + (officials.length > 0 ? STRIP_ROOM : 0);
  const bottom = height - (source.length * LINE_GAP + 42);
  const plotHeight = bottom - top;
  const yTicks = countTicks(
    Math.max(peak?.count ?? 0, ...points.map((point) => point.upper ?? 0)),
    Math.max(2, Math.floor(plotHeight / 45)),
  );
  const yTop = yTicks.at(-1) ?? 1;
  const tickLabels = yTicks.map((value) => numbers.format(value));
  const left = PAD + Math.max(...tickLabels.map((label) => textWidth(label, SMALL_SIZE))) + 8;
  const plot = { left, right: width - PAD - 8, top, bottom };
  const plotWidth = plot.right - plot.left;
  const x = (t: number) => px(plot.left + ((t - from) / (to - from)) * plotWidth);
  const y = (value: number) => px(plot.bottom - (value / yTop) * plotHeight);
  // Each count stands for its whole bucket: draw it at the bucket's middle.
  const mid = (t: number) => x(t + stepMs / 2);

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" lang="en" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="outcry-chart-title outcry-chart-desc" font-family="${escapeXml(FONT)}">`,
    `<title id="outcry-chart-title">${escapeXml(options.title)}</title>`,
    `<desc id="outcry-chart-desc">${escapeXml(description(points, spans.length, officials, banded, peak, options))}</desc>`,
  );
  if (officials.length > 0) parts.push(hatchPattern(palette));
  parts.push(
    `<rect class="chart-background" width="${width}" height="${height}" fill="${palette.background}"/>`,
  );

  for (const span of spans) {
    const spanLeft = x(span.start);
    const spanWidth = Math.max(px(x(span.end) - spanLeft), 2);
    const until = span.open ? "ongoing" : utcDateTime(span.end);
    parts.push(
      `<rect class="chart-incident" x="${spanLeft}" y="${plot.top}" width="${spanWidth}" height="${px(plotHeight)}" fill="${palette.incident}" fill-opacity="${palette.incidentOpacity}">` +
        `<title>Incident: ${escapeXml(utcDateTime(span.start))} – ${escapeXml(until)} UTC</title></rect>`,
    );
  }

  // The provider's word: a hatched strip above the plot, and a dashed line down from where each
  // stretch began, so that its start can be read against the crowd's line.
  for (const span of officials) {
    const spanLeft = x(span.start);
    const instant = span.end === span.start;
    const spanWidth = instant ? INSTANT_WIDTH : Math.max(px(x(span.end) - spanLeft), 2);
    const markLeft = instant
      ? px(Math.min(Math.max(spanLeft - INSTANT_WIDTH / 2, plot.left), plot.right - INSTANT_WIDTH))
      : spanLeft;
    parts.push(
      `<line class="chart-official-start" x1="${spanLeft}" x2="${spanLeft}" y1="${plot.top}" y2="${plot.bottom}" stroke="${palette.official}" stroke-width="1" stroke-dasharray="3 3"/>`,
      `<rect class="chart-official" x="${markLeft}" y="${plot.top - STRIP_ROOM}" width="${spanWidth}" height="${STRIP_HEIGHT}" fill="url(#${HATCH_ID})" stroke="${palette.official}" stroke-width="1">` +
        `<title>${escapeXml(officialLabel(span))}</title></rect>`,
    );
  }

  for (const [index, value] of yTicks.entries()) {
    parts.push(
      `<line class="chart-grid" x1="${plot.left}" x2="${plot.right}" y1="${y(value)}" y2="${y(value)}" stroke="${palette.grid}" stroke-width="1"/>`,
      `<text x="${plot.left - 6}" y="${px(y(value) + 4)}" text-anchor="end" font-size="${SMALL_SIZE}" fill="${palette.muted}">${tickLabels[index]}</text>`,
    );
  }

  if (banded) {
    parts.push(
      `<path class="chart-band" d="${bandPath(points, stepMs, x, y)}" fill="${palette.band}" fill-opacity="${palette.bandOpacity}"/>`,
    );
  }
  if (points.length > 0) {
    const line = points.map((point, index) => `${index === 0 ? "M" : "L"}${mid(point.t)} ${y(point.count)}`);
    parts.push(
      `<path class="chart-count" d="${line.join("")}" fill="none" stroke="${palette.count}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round"/>`,
    );
  } else {
    parts.push(
      `<text x="${px((plot.left + plot.right) / 2)}" y="${px((plot.top + plot.bottom) / 2)}" text-anchor="middle" font-size="${TEXT_SIZE}" fill="${palette.muted}">No data for this period</text>`,
    );
  }

  parts.push(
    `<line class="chart-axis" x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="${palette.muted}" stroke-width="1"/>`,
  );
  for (const tick of timeTicks(from, to, Math.max(2, Math.floor(plotWidth / 90)))) {
    const tickX = x(tick.t);
    // A label hanging past the plot's right edge would be clipped by the image's.
    const anchor = tickX + textWidth(tick.label, SMALL_SIZE) / 2 > width - 4 ? "end" : "middle";
    parts.push(
      `<line x1="${tickX}" x2="${tickX}" y1="${plot.bottom}" y2="${plot.bottom + 4}" stroke="${palette.muted}" stroke-width="1"/>`,
      `<text class="chart-time-tick" x="${tickX}" y="${plot.bottom + 17}" text-anchor="${anchor}" font-size="${SMALL_SIZE}" fill="${palette.muted}">${escapeXml(tick.label)}</text>`,
    );
  }
  parts.push(
    `<text x="${plot.right}" y="${plot.bottom + 32}" text-anchor="end" font-size="${SMALL_SIZE}" fill="${palette.muted}">Time (UTC)</text>`,
  );

  parts.push(
    `<text class="chart-title" x="${PAD}" y="26" font-size="${TITLE_SIZE}" font-weight="700" fill="${palette.text}">${escapeXml(fit(options.title, width - 2 * PAD, TITLE_SIZE))}</text>`,
    `<text class="chart-subtitle" x="${PAD}" y="46" font-size="${TEXT_SIZE}" fill="${palette.muted}">${escapeXml(subtitle(options, width - 2 * PAD))}</text>`,
  );
  for (const [row, items] of legend.entries()) {
    const rowY = 66 + row * 18;
    for (const item of items) {
      parts.push(legendSwatch(item.kind, item.x, rowY, palette));
      parts.push(
        `<text x="${PAD + item.x + 24}" y="${rowY + 4}" font-size="${TEXT_SIZE}" fill="${palette.text}">${escapeXml(item.label)}</text>`,
      );
    }
  }
  for (const [index, line] of source.entries()) {
    const lineY = height - 10 - (source.length - 1 - index) * LINE_GAP;
    parts.push(
      `<text class="chart-source" x="${PAD}" y="${lineY}" font-size="${SMALL_SIZE}" fill="${palette.muted}">${escapeXml(line)}</text>`,
    );
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

interface Span {
  start: number;
  end: number;
  open: boolean;
}

/** Incidents clipped to the range, overlapping ones merged so that no stretch is shaded twice. */
function incidentSpans(incidents: ChartIncident[], from: number, to: number): Span[] {
  const clipped = incidents
    .map((incident) => ({
      start: Math.max(incident.startedAt, from),
      end: Math.min(incident.resolvedAt ?? to, to),
      open: incident.resolvedAt === null,
    }))
    .filter((span) => span.end > span.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const span of clipped) {
    const last = merged.at(-1);
    if (last && span.start <= last.end) {
      last.end = Math.max(last.end, span.end);
      last.open ||= span.open;
    } else merged.push({ ...span });
  }
  return merged;
}

/**
 * The band as one path: a closed shape from the expected count up to the band's top for each run
 * of buckets that has a band. A run of one bucket spans the bucket, so it still shows.
 */
function bandPath(
  points: ChartPoint[],
  stepMs: number,
  x: (t: number) => number,
  y: (value: number) => number,
): string {
  const runs: { t: number; expected: number; upper: number }[][] = [];
  let run: { t: number; expected: number; upper: number }[] = [];
  for (const point of points) {
    if (point.expected === null || point.upper === null) {
      if (run.length > 0) runs.push(run);
      run = [];
    } else run.push({ t: point.t, expected: point.expected, upper: point.upper });
  }
  if (run.length > 0) runs.push(run);
  return runs
    .map((buckets) => {
      const vertices =
        buckets.length === 1 && buckets[0]
          ? [
              { ...buckets[0], at: buckets[0].t },
              { ...buckets[0], at: buckets[0].t + stepMs },
            ]
          : buckets.map((bucket) => ({ ...bucket, at: bucket.t + stepMs / 2 }));
      const top = vertices.map(
        (vertex, index) => `${index === 0 ? "M" : "L"}${x(vertex.at)} ${y(vertex.upper)}`,
      );
      const bottom = vertices.toReversed().map((vertex) => `L${x(vertex.at)} ${y(vertex.expected)}`);
      return `${top.join("")}${bottom.join("")}Z`;
    })
    .join("");
}

type LegendKind = "line" | "band" | "incident" | "official";

/** Legend entries laid out left to right, wrapping onto another row where the width runs out. */
function legendRows(entries: { kind: LegendKind; label: string }[], maxWidth: number) {
  const rows: { kind: LegendKind; label: string; x: number }[][] = [[]];
  let cursor = 0;
  for (const entry of entries) {
    const entryWidth = 24 + textWidth(entry.label, TEXT_SIZE);
    if (cursor > 0 && cursor + entryWidth > maxWidth) {
      rows.push([]);
      cursor = 0;
    }
    rows.at(-1)?.push({ ...entry, x: cursor });
    cursor += entryWidth + 18;
  }
  return rows;
}

function legendSwatch(kind: LegendKind, offset: number, rowY: number, palette: ChartPalette) {
  const left = PAD + offset;
  switch (kind) {
    case "line":
      return `<line x1="${left}" x2="${left + 18}" y1="${rowY}" y2="${rowY}" stroke="${palette.count}" stroke-width="2.5" stroke-linecap="round"/>`;
    case "band":
      return `<rect x="${left}" y="${rowY - 6}" width="18" height="12" fill="${palette.band}" fill-opacity="${palette.bandOpacity}"/>`;
    case "incident":
      return `<rect x="${left}" y="${rowY - 6}" width="18" height="12" fill="${palette.incident}" fill-opacity="${palette.incidentOpacity * 2}"/>`;
    case "official":
      return `<rect x="${left}" y="${rowY - 5}" width="18" height="${STRIP_HEIGHT}" fill="url(#${HATCH_ID})" stroke="${palette.official}" stroke-width="1"/>`;
  }
}

/**
 * Diagonal lines in the official colour: the strip is told apart by its pattern and its place, not
 * by its hue alone.
 */
function hatchPattern(palette: ChartPalette): string {
  return (
    `<defs><pattern id="${HATCH_ID}" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="5" height="5" fill="${palette.background}"/>` +
    `<line x1="1" y1="0" x2="1" y2="5" stroke="${palette.official}" stroke-width="2"/></pattern></defs>`
  );
}

/** "Provider's official incident: 16 Apr 2025 08:20 – 09:05 UTC: “Degraded performance”". */
function officialLabel(span: OfficialSpan): string {
  const said = span.titles.map((title) => `“${title}”`).join("; ");
  return `Provider's official ${officialNoun([span])}: ${officialWhen(span)}${said ? `: ${said}` : ""}`;
}

function officialWhen(span: OfficialSpan): string {
  if (span.ended === span.began) return `${utcDateTime(span.began)} UTC`;
  return `${utcDateTime(span.began)} – ${span.ended === undefined ? "ongoing" : utcDateTime(span.ended)} UTC`;
}

/** "Count per minute · 16 Apr 2025 08:00 – 17 Apr 2025 08:00 UTC", shortened to fit. */
function subtitle(options: ChartOptions, maxWidth: number): string {
  const per = `per ${stepName(options.stepMs)}`;
  const full = `Count ${per} · ${utcDateTime(options.from)} – ${utcDateTime(options.to)} UTC`;
  if (textWidth(full, TEXT_SIZE) <= maxWidth) return full;
  const short = `${capitalize(per)} · ${utcDay(options.from)} ${utcClock(options.from)} – ${utcDay(options.to)} ${utcClock(options.to)} UTC`;
  return fit(short, maxWidth, TEXT_SIZE);
}

/** The source line, on two lines where one does not fit: attribution is never cut short. */
function sourceLines(options: ChartOptions, maxWidth: number): string[] {
  const what = `Source: Outcry · ${options.sources}`;
  const when = `${utcDateTime(options.generatedAt)} UTC · ${options.pagePath}`;
  const line = `${what} · ${when}`;
  return textWidth(line, SMALL_SIZE) <= maxWidth ? [line] : [what, `Generated ${when}`];
}

/** What a screen reader says in place of the picture. */
function description(
  points: ChartPoint[],
  incidentCount: number,
  officials: OfficialSpan[],
  banded: boolean,
  peak: ChartPoint | undefined,
  options: ChartOptions,
): string {
  const sentences = [
    `Count of ${options.sources} per ${stepName(options.stepMs)}, from ${utcDateTime(options.from)} to ${utcDateTime(options.to)} UTC.`,
    peak && peak.count > 0
      ? `Highest: ${numbers.format(peak.count)} at ${utcDateTime(peak.t)} UTC.`
      : points.length > 0
        ? "Nothing was counted in this period."
        : "No data for this period.",
  ];
  if (banded) sentences.push("A shaded band shows the range the detector expected.");
  sentences.push(
    incidentCount === 0
      ? "No incident in this period."
      : `${incidentCount} incident${incidentCount === 1 ? "" : "s"} shaded.`,
  );
  if (officials.length > 0) {
    // The times, so that a listener can compare them with the crowd's; a month may hold many.
    const listed = officials.slice(0, MAX_DESCRIBED).map(officialWhen);
    const more = officials.length - listed.length;
    sentences.push(
      `Hatched along the top, the provider's official word: ${officials.length} ${officialNoun(officials, officials.length > 1)} (${listed.join("; ")}${more > 0 ? `; and ${more} more` : ""}).`,
    );
  }
  return sentences.join(" ");
}

function stepName(stepMs: number): string {
  if (stepMs === MINUTE_MS) return "minute";
  if (stepMs === HOUR_MS) return "hour";
  if (stepMs === DAY_MS) return "day";
  return stepMs % HOUR_MS === 0 ? `${stepMs / HOUR_MS} hours` : `${stepMs / MINUTE_MS} minutes`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function textWidth(text: string, size: number): number {
  return Math.ceil(text.length * size * GLYPH_WIDTH);
}

/** The text, cut with an ellipsis where it would run past maxWidth. */
function fit(text: string, maxWidth: number, size: number): string {
  const room = Math.floor(maxWidth / (size * GLYPH_WIDTH));
  return text.length <= room ? text : `${text.slice(0, Math.max(room - 1, 1)).trimEnd()}…`;
}

/** Coordinates to a tenth of a pixel: finer is invisible and only makes the file larger. */
function px(value: number): number {
  return Math.round(value * 10) / 10;
}
