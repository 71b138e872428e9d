import { gzipSync } from "node:zlib";
import { isDatabaseUnavailable } from "@outcry/db";
import type { Context } from "hono";
import type { App } from "../app.ts";
import type { AppEnv } from "../app-env.ts";
import { sendStaticFile } from "../static-file.ts";
import { renderMessagePage } from "./layout.ts";
import { loadHomePage, renderHomePage } from "./pages/home-page.ts";
import { loadIncidentPage, renderIncidentPage } from "./pages/incident-page.ts";
import { loadServicePage, renderServicePage } from "./pages/service-page.ts";
import { type WebAssets, webAssets } from "./web-assets.ts";

// Pages change every minute; a short shared cache absorbs a crowd arriving at once (an outage
// page linked from the news) without showing anything staler than the API does.
const PAGE_CACHE = "public, max-age=15";
const RETRY_AFTER_S = 5;
// Scripts, styles and data come from this origin only: a hostile name or post that slipped past
// escaping still could not run a script. uPlot sets styles through the CSSOM, which this allows.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/**
 * The public web pages and their assets: `/` (every service, searchable), `/services/:slug` and
 * `/incidents/:id`, server-rendered; their scripts then draw charts and follow /v1/stream. Plain
 * routes, not in the OpenAPI document: they are pages, not API.
 */
export function registerWebPages(app: App): void {
  app.get("/assets/:version/:name", (c) => {
    const assets = webAssets();
    const name = c.req.param("name");
    const file = assets.get(name);
    if (!file) return c.notFound();
    // Another version is a page from before (or, mid-deploy, after) this process's: send it to the
    // URL of the file this process has, so no URL is ever cached with another version's content.
    if (c.req.param("version") !== assets.version) return c.redirect(assets.url(name), 302);
    return sendStaticFile(c, file);
  });

  app.get("/", (c) =>
    page(c, async (assets) => {
      const data = await loadHomePage(c.get("deps"), c.req.query("q") ?? "", Date.now());
      return { status: 200, html: renderHomePage(data, assets) };
    }),
  );

  app.get("/services/:slug", (c) =>
    page(c, async (assets) => {
      const data = await loadServicePage(c.get("deps"), c.req.param("slug"), origin(c), Date.now());
      if (!data) return notFound(assets, "No such service", "Outcry does not follow a service by that name.");
      return { status: 200, html: renderServicePage(data, assets) };
    }),
  );

  app.get("/incidents/:id", (c) =>
    page(c, async (assets) => {
      const data = await loadIncidentPage(c.get("deps"), c.req.param("id"), origin(c), Date.now());
      if (!data) return notFound(assets, "No such incident", "There is no incident with that id.");
      return { status: 200, html: renderIncidentPage(data, assets) };
    }),
  );
}

type PageResult = { status: 200 | 404 | 503; html: string };

function notFound(assets: WebAssets, title: string, message: string): PageResult {
  return { status: 404, html: renderMessagePage({ title, message, assets }) };
}

/** Renders a page; while Postgres is unreachable, a page that says so (503), not a JSON error. */
async function page(c: Context<AppEnv>, render: (assets: WebAssets) => Promise<PageResult>) {
  const assets = webAssets();
  let result: PageResult;
  try {
    result = await render(assets);
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    c.get("deps").logger.warn({ err: error, requestId: c.get("requestId") }, "page: postgres unavailable");
    c.header("Retry-After", String(RETRY_AFTER_S));
    result = {
      status: 503,
      html: renderMessagePage({
        title: "Back in a moment",
        message: "Outcry cannot reach its database right now. Try again in a few seconds.",
        assets,
      }),
    };
  }
  c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  c.header("Referrer-Policy", "strict-origin-when-cross-origin");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Cache-Control", result.status === 503 ? "no-store" : PAGE_CACHE);
  c.header("Vary", "Accept-Encoding");
  c.header("Content-Type", "text/html; charset=utf-8");
  // A page is 10 to 60 KiB of repetitive markup: gzip makes it a fifth, in about a millisecond.
  if (!/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) return c.body(result.html, result.status);
  c.header("Content-Encoding", "gzip");
  return c.body(new Uint8Array(gzipSync(result.html, { level: 6 })), result.status);
}

/**
 * Scheme, host and port the page was asked on, for the absolute URLs it shows (embed snippet,
 * permalink). Behind a trusted proxy, its X-Forwarded-Proto says whether the reader used https.
 */
function origin(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  if (c.get("deps").trustProxyHops > 0) {
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim();
    if (proto === "https" || proto === "http") url.protocol = `${proto}:`;
  }
  return url.origin;
}
