import { describe, expect, it } from "vitest";
import { assertWellFormedXml } from "../../test/well-formed-xml.ts";
import { CHART_PALETTES } from "./chart-palette.ts";
import { type ChartOptions, type ChartPoint, renderChartSvg } from "./render-chart-svg.ts";

const MINUTE = 60_000;
const from = Date.parse("2025-04-16T08:00:00Z");
const to = from + 60 * MINUTE;

const options: ChartOptions = {
  title: "Spotify problem reports",
  sources: "reports and Bluesky posts",
  pagePath: "/services/spotify",
  from,
  to,
  stepMs: MINUTE,
  generatedAt: Date.parse("2025-04-16T09:00:30Z"),
  theme: "light",
  width: 800,
  height: 400,
};

function series(count: (minute: number) => number, band?: { expected: number; upper: number }): ChartPoint[] {
  return Array.from({ length: 60 }, (_, minute) => ({
    t: from + minute * MINUTE,
    count: count(minute),
    expected: band?.expected ?? null,
    upper: band?.upper ?? null,
  }));
}

/** The numbers of one attribute over the elements of a class, in document order. */
function attributeOf(svg: string, className: string, attribute: string): number[] {
  const elements = svg.match(new RegExp(`<[a-z]+ class="${className}"[^>]*>`, "g")) ?? [];
  return elements.map((element) => Number(element.match(new RegExp(` ${attribute}="([^"]+)"`))?.[1]));
}

describe("renderChartSvg", () => {
  it("draws a well-formed, labelled image with the count line and a source line", () => {
    const svg = renderChartSvg(
      series((minute) => minute),
      [],
      options,
    );
    assertWellFormedXml(svg);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* role="img"/);
    expect(svg).toContain('aria-labelledby="outcry-chart-title outcry-chart-desc"');
    expect(svg).toContain('<title id="outcry-chart-title">Spotify problem reports</title>');
    expect(svg).toMatch(/<desc id="outcry-chart-desc">[^<]*Highest: 59 at 16 Apr 2025 08:59 UTC/);
    expect(svg).toMatch(/class="chart-count" d="M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){59}"/);
    expect(svg).toContain(
      "Source: Outcry · reports and Bluesky posts · 16 Apr 2025 09:00 UTC · /services/spotify",
    );
    expect(svg).toContain("Time (UTC)");
  });

  it("escapes text from the catalog, so a service name cannot inject markup", () => {
    const svg = renderChartSvg(
      series(() => 1),
      [],
      {
        ...options,
        title: `Tom & Jerry's <script>alert("x")</script>\u0007`,
      },
    );
    assertWellFormedXml(svg);
    expect(svg).not.toContain("<script");
    expect(svg).toContain(
      '<title id="outcry-chart-title">Tom &amp; Jerry&apos;s &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>',
    );
  });

  it("shades the expected band where the detector has one, and says so in the legend", () => {
    const banded = renderChartSvg(
      series(() => 3, { expected: 4, upper: 9 }),
      [],
      options,
    );
    assertWellFormedXml(banded);
    expect(banded).toMatch(/<path class="chart-band" d="M[^"]+Z"/);
    expect(banded).toContain("Expected range");
    const bare = renderChartSvg(
      series(() => 3),
      [],
      options,
    );
    expect(bare).not.toContain("chart-band");
    expect(bare).not.toContain("Expected range");
  });

  it("breaks the band where buckets have none", () => {
    const points = series(() => 3, { expected: 4, upper: 9 }).map((point, index) =>
      index >= 20 && index < 30 ? { ...point, expected: null, upper: null } : point,
    );
    const svg = renderChartSvg(points, [], options);
    const path = svg.match(/class="chart-band" d="([^"]+)"/)?.[1] ?? "";
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path.match(/Z/g)).toHaveLength(2);
  });

  it("puts count ticks on round numbers up to the band's top", () => {
    const svg = renderChartSvg(
      series(() => 3, { expected: 20, upper: 43 }),
      [],
      options,
    );
    const labels = [...svg.matchAll(/text-anchor="end" font-size="11" [^>]*>([\d,]+)<\/text>/g)].map(
      (match) => match[1],
    );
    expect(labels).toEqual(["0", "10", "20", "30", "40", "50"]);
    const big = renderChartSvg(
      series(() => 48_000),
      [],
      options,
    );
    expect(big).toContain(">40,000</text>");
  });

  it("writes UTC time ticks under the plot", () => {
    const svg = renderChartSvg(
      series(() => 1),
      [],
      options,
    );
    const ticks = [...svg.matchAll(/class="chart-time-tick"[^>]*>([^<]+)</g)].map((match) => match[1]);
    expect(ticks).toContain("08:30");
    expect(ticks.every((tick) => /^\d\d:\d\d$/.test(tick ?? ""))).toBe(true);
  });

  it("shades incidents where they fall, clipped to the range, overlaps merged", () => {
    const svg = renderChartSvg(
      series(() => 1),
      [
        // A quarter of the way in to halfway, and one overlapping it: one stretch.
        { startedAt: from + 15 * MINUTE, resolvedAt: from + 25 * MINUTE },
        { startedAt: from + 20 * MINUTE, resolvedAt: from + 30 * MINUTE },
        // Still open: shaded from its start to the right edge.
        { startedAt: from + 50 * MINUTE, resolvedAt: null },
        // Over before the range began: not drawn.
        { startedAt: from - 90 * MINUTE, resolvedAt: from - 60 * MINUTE },
      ],
      options,
    );
    assertWellFormedXml(svg);
    const xs = attributeOf(svg, "chart-incident", "x");
    const widths = attributeOf(svg, "chart-incident", "width");
    expect(xs).toHaveLength(2);
    const [start = 0, open = 0] = xs;
    const [firstWidth = 0, openWidth = 0] = widths;
    // The plot's width from the first shading: 15 minutes in, 15 minutes wide.
    const plotWidth = (firstWidth / 15) * 60;
    const plotLeft = start - plotWidth / 4;
    expect(open).toBeCloseTo(plotLeft + (plotWidth * 50) / 60, 0);
    expect(open + openWidth).toBeCloseTo(plotLeft + plotWidth, 0);
    expect(svg).toContain("Incident: 16 Apr 2025 08:50 – ongoing UTC");
    expect(svg).toContain(">Incident</text>");
  });

  it("has no incident in the legend when none is shaded", () => {
    const svg = renderChartSvg(
      series(() => 1),
      [],
      options,
    );
    expect(svg).not.toContain("chart-incident");
    expect(svg).not.toContain(">Incident</text>");
  });

  it("paints each theme with its own palette", () => {
    const light = renderChartSvg(
      series(() => 1),
      [],
      options,
    );
    const dark = renderChartSvg(
      series(() => 1),
      [],
      { ...options, theme: "dark" },
    );
    expect(light).toContain(
      `class="chart-background" width="800" height="400" fill="${CHART_PALETTES.light.background}"`,
    );
    expect(dark).toContain(
      `class="chart-background" width="800" height="400" fill="${CHART_PALETTES.dark.background}"`,
    );
    expect(dark).toContain(`stroke="${CHART_PALETTES.dark.count}"`);
    expect(dark).not.toContain(CHART_PALETTES.light.count);
  });

  it("draws an empty series as axes and a note, still a valid image", () => {
    const svg = renderChartSvg([], [], options);
    assertWellFormedXml(svg);
    expect(svg).not.toContain("chart-count");
    expect(svg).toContain("No data for this period");
  });

  it("shortens a long title to the width but keeps it whole for screen readers", () => {
    const title = `${"Very Long Service Name ".repeat(4)}problem reports`;
    const svg = renderChartSvg(
      series(() => 1),
      [],
      { ...options, title, width: 360 },
    );
    assertWellFormedXml(svg);
    expect(svg).toContain(`<title id="outcry-chart-title">${title}</title>`);
    const shown = svg.match(/class="chart-title"[^>]*>([^<]+)</)?.[1] ?? "";
    expect(shown.endsWith("…")).toBe(true);
    expect(shown.length).toBeLessThan(title.length);
    // The source line does not fit in 360 pixels: it takes two lines rather than losing words.
    expect(svg.match(/class="chart-source"/g)).toHaveLength(2);
  });
});
