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

  it("hatches the provider's official word in a strip above the plot, clipped to the range, overlaps merged", () => {
    const svg = renderChartSvg(
      series(() => 1),
      [],
      options,
      [
        // Began before the range: clipped to its left edge, labelled with its real start.
        { kind: "incident", start: from - 30 * MINUTE, end: from + 10 * MINUTE, title: "Logins failing" },
        // An incident and the component it names, overlapping: one stretch, both titles.
        { kind: "incident", start: from + 20 * MINUTE, end: from + 30 * MINUTE, title: "API errors" },
        { kind: "component", start: from + 25 * MINUTE, end: from + 40 * MINUTE, title: "API" },
        // Still open: to the right edge.
        { kind: "status", start: from + 50 * MINUTE },
        // Over before the range began, and begun after it ended: not drawn.
        { kind: "incident", start: from - 90 * MINUTE, end: from - 60 * MINUTE },
        { kind: "post", start: to, end: to },
      ],
    );
    assertWellFormedXml(svg);
    const xs = attributeOf(svg, "chart-official", "x");
    const ys = attributeOf(svg, "chart-official", "y");
    const widths = attributeOf(svg, "chart-official", "width");
    expect(xs).toHaveLength(3);
    const [first = 0, merged = 0, open = 0] = xs;
    const [firstWidth = 0, mergedWidth = 0, openWidth = 0] = widths;
    // The first stretch is the plot's first ten minutes: the plot's width follows from it.
    const plotWidth = firstWidth * 6;
    expect(merged).toBeCloseTo(first + plotWidth / 3, 0);
    expect(mergedWidth).toBeCloseTo(plotWidth / 3, 0);
    expect(open + openWidth).toBeCloseTo(first + plotWidth, 0);
    // Above the plot: higher than every count tick and the top grid line.
    const gridTop = Math.min(...attributeOf(svg, "chart-grid", "y1"));
    expect(ys.every((y) => y + 10 < gridTop)).toBe(true);
    // Told apart by its pattern, with a dashed line down from each start.
    expect(svg).toContain('<pattern id="outcry-chart-official-hatch"');
    expect(svg).toMatch(/class="chart-official" [^>]*fill="url\(#outcry-chart-official-hatch\)"/);
    expect(attributeOf(svg, "chart-official-start", "x1")).toEqual(xs);
    expect(svg).toContain(
      "<title>Provider&apos;s official incident: 16 Apr 2025 07:30 – 16 Apr 2025 08:10 UTC: “Logins failing”</title>",
    );
    expect(svg).toContain(
      "Provider&apos;s official incident: 16 Apr 2025 08:20 – 16 Apr 2025 08:40 UTC: “API errors”; “API”",
    );
    expect(svg).toContain("Provider&apos;s official incident: 16 Apr 2025 08:50 – ongoing UTC</title>");
    expect(svg).toContain(">Provider&apos;s official incident</text>");
    expect(svg).toMatch(
      /<desc [^>]*>[^<]*Hatched along the top, the provider&apos;s official word: 3 incidents \(16 Apr 2025 07:30 – 16 Apr 2025 08:10 UTC; [^)]+; 16 Apr 2025 08:50 – ongoing UTC\)\.</,
    );
  });

  it("marks a post as an instant, and names posts in the legend", () => {
    const svg = renderChartSvg(
      series(() => 1),
      [],
      options,
      [{ kind: "post", start: from + 30 * MINUTE, end: from + 30 * MINUTE, title: "We are looking into it" }],
    );
    assertWellFormedXml(svg);
    const [start = 0] = attributeOf(svg, "chart-official-start", "x1");
    const [mark = 0] = attributeOf(svg, "chart-official", "x");
    expect(attributeOf(svg, "chart-official", "width")).toEqual([3]);
    expect(mark).toBeCloseTo(start - 1.5, 1);
    expect(svg).toContain("Provider&apos;s official post: 16 Apr 2025 08:30 UTC: “We are looking into it”");
    expect(svg).toContain(">Provider&apos;s official post</text>");
    expect(svg).toContain("the provider&apos;s official word: 1 post (16 Apr 2025 08:30 UTC).");
  });

  it("has no official strip, legend entry or room for one when there is none in the range", () => {
    const none = renderChartSvg(
      series(() => 1),
      [],
      options,
    );
    const outside = renderChartSvg(
      series(() => 1),
      [],
      options,
      [{ kind: "incident", start: from - 90 * MINUTE, end: from }],
    );
    for (const svg of [none, outside]) {
      expect(svg).not.toContain("chart-official");
      expect(svg).not.toContain("outcry-chart-official-hatch");
      expect(svg).not.toContain("official");
    }
    // The same picture as without the argument: the plot does not move down for an empty strip.
    expect(outside).toBe(none);
  });

  it("escapes the provider's titles, which come from its page", () => {
    const svg = renderChartSvg(
      series(() => 1),
      [],
      options,
      [
        {
          kind: "incident",
          start: from,
          end: from + MINUTE,
          title: `<script>alert("x")</script> & co\u0007`,
        },
      ],
    );
    assertWellFormedXml(svg);
    expect(svg).not.toContain("<script");
    expect(svg).toContain("“&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co”</title>");
  });

  it("is a pure function of its input, official strip included", () => {
    const official = [{ kind: "incident" as const, start: from + 5 * MINUTE, end: from + 15 * MINUTE }];
    const draw = () =>
      renderChartSvg(
        series((minute) => minute % 7),
        [],
        options,
        official,
      );
    expect(draw()).toBe(draw());
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
