import { type HtmlEscapedString, markup } from "./markup.ts";
import type { WebAssets } from "./web-assets.ts";

/** A service's status as pages show it; unknown before the detector first judged it. */
export type PageStatus = "ok" | "possible" | "problems" | "unknown";

/** What each status says, in a headline and on a label. The page scripts carry the same words. */
export const STATUS_TEXT: Record<PageStatus, { headline: string; label: string; detail: string }> = {
  problems: {
    headline: "Problems detected",
    label: "Problems",
    detail: "Reports are far above what is normal at this time.",
  },
  possible: {
    headline: "Possible problems",
    label: "Possible problems",
    detail: "More reports than usual, not (yet) an outage.",
  },
  ok: { headline: "No current problems", label: "OK", detail: "Reports are at their usual level." },
  unknown: {
    headline: "No current problems",
    label: "No data",
    detail: "Too few reports so far to know what is normal for this service.",
  },
};

/** A status as a label: words first, colour second. */
export function statusLabel(status: PageStatus): HtmlEscapedString {
  return markup`<span class="status-label status-${status}" data-status="${status}">${STATUS_TEXT[status].label}</span>`;
}

/** One row of a bar list: a name, its figure, and a bar as long as its share (SVG, so no inline style). */
export function barItem(name: string, figure: string, share: number): HtmlEscapedString {
  return markup`<li><span class="bar-label">${name}</span> <span class="bar-value">${figure}</span><svg class="bar" viewBox="0 0 100 1" preserveAspectRatio="none" aria-hidden="true"><rect width="${Math.max(1, Math.round(share * 100))}" height="1"/></svg></li>`;
}

const CATEGORY_LABELS: Record<string, string> = {
  ai: "AI",
  isp: "Internet provider",
  ecommerce: "Shopping",
  email: "Email",
  mobile: "Mobile network",
};

/** "streaming" -> "Streaming", "isp" -> "Internet provider". */
export function categoryLabel(category: string): string {
  return CATEGORY_LABELS[category] ?? category.charAt(0).toUpperCase() + category.slice(1);
}

export interface PageOptions {
  title: string;
  description: string;
  /** The page's absolute, stable URL. */
  canonical?: string | undefined;
  main: HtmlEscapedString;
  assets: WebAssets;
  /** Module scripts (asset names) the page runs. */
  scripts?: string[];
  /** Modules those scripts import, fetched at once rather than after the script that names them. */
  preload?: string[];
  /** Whether the page draws a chart (uPlot's script and stylesheet). */
  chart?: boolean;
  /** The header's search box; the home page has its own. */
  headerSearch?: boolean;
}

/** The document around a page's content: head, header with search, footer. */
export function renderPage(options: PageOptions): string {
  const { assets } = options;
  const scripts = [
    ...(options.preload ?? []).map((name) => markup`<link rel="modulepreload" href="${assets.url(name)}">`),
    ...(options.scripts ?? []).map(
      (name) => markup`<script type="module" src="${assets.url(name)}"></script>`,
    ),
  ];
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title}</title>
<meta name="description" content="${options.description}">
${options.canonical ? markup`<link rel="canonical" href="${options.canonical}">` : ""}
<meta property="og:title" content="${options.title}">
<meta property="og:description" content="${options.description}">
${options.canonical ? markup`<meta property="og:url" content="${options.canonical}">` : ""}
<link rel="stylesheet" href="${assets.url("site.css")}">
${
  options.chart
    ? markup`<link rel="stylesheet" href="${assets.url("uPlot.min.css")}">
<script defer src="${assets.url("uPlot.iife.min.js")}"></script>`
    : ""
}
${scripts}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
<a class="brand" href="/">Outcry</a>
${
  options.headerSearch === false
    ? ""
    : markup`<form class="header-search" action="/" method="get" role="search">
<label class="visually-hidden" for="header-q">Search services</label>
<input id="header-q" type="search" name="q" placeholder="Search services" autocomplete="off">
<button type="submit">Search</button>
</form>`
}
</header>
<main id="main" tabindex="-1">
${options.main}
</main>
<footer class="site-footer">
<p>Outcry counts reports from the public and public Bluesky posts about a service, minute by minute, and compares them with what is normal for the time of week. All times are in UTC.</p>
<p><a href="/openapi.json">API (OpenAPI)</a> · <a href="/v1/incidents">Incidents (JSON)</a></p>
</footer>
</body>
</html>
`.toString();
}

/** A page that only says something: not found, or unavailable for a moment. */
export function renderMessagePage(options: { title: string; message: string; assets: WebAssets }): string {
  return renderPage({
    title: `${options.title} · Outcry`,
    description: options.message,
    main: markup`<h1>${options.title}</h1><p>${options.message}</p><p><a href="/">All services</a></p>`,
    assets: options.assets,
  });
}
