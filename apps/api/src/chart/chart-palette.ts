export const CHART_THEMES = ["light", "dark"] as const;
export type ChartTheme = (typeof CHART_THEMES)[number];

export interface ChartPalette {
  background: string;
  /** Title and legend: at least 7:1 against the background. */
  text: string;
  /** Ticks, subtitle and source line: at least 4.5:1 against the background. */
  muted: string;
  grid: string;
  /** The count line: at least 3:1 against the background, as graphics need. */
  count: string;
  band: string;
  bandOpacity: number;
  incident: string;
  incidentOpacity: number;
  /**
   * The provider's official word, hatched in a strip above the plot: at least 3:1 against the
   * background, and a hue apart from the count line and the incidents.
   */
  official: string;
}

/** Colours of each theme; the contrast ratios are WCAG 2's, checked against the background. */
export const CHART_PALETTES: Readonly<Record<ChartTheme, ChartPalette>> = {
  light: {
    background: "#ffffff",
    text: "#1b1f24",
    muted: "#4d5560",
    grid: "#e3e6ea",
    count: "#0a58ca",
    band: "#8f9aa6",
    bandOpacity: 0.35,
    incident: "#d63939",
    incidentOpacity: 0.14,
    // 6.5:1
    official: "#6f42c1",
  },
  dark: {
    background: "#111418",
    text: "#eef1f4",
    muted: "#b3bcc6",
    grid: "#2a3038",
    count: "#6cb4ff",
    band: "#8793a0",
    bandOpacity: 0.35,
    incident: "#ff6b6b",
    incidentOpacity: 0.2,
    // 8.9:1
    official: "#c4a5ff",
  },
};
