import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { App } from "../../app.ts";
import { loadStaticFile, type StaticFile, sendStaticFile } from "../../static-file.ts";

const require = createRequire(import.meta.url);
const swaggerUiDir = dirname(require.resolve("swagger-ui-dist/package.json"));

/** The files the page needs, served from the installed package: the docs work offline, with no CDN. */
const SWAGGER_UI_FILES = ["swagger-ui-bundle.js", "swagger-ui.css"];

/**
 * The assets' URLs carry a hash of their content: cacheable for a year, changed by an upgrade, and
 * unlike the package's version number, telling nobody which release of Swagger UI this is.
 */
const assetTag = (() => {
  const hash = createHash("sha256");
  for (const name of SWAGGER_UI_FILES) hash.update(readFileSync(join(swaggerUiDir, name)));
  return hash.digest("hex").slice(0, 12);
})();

// Kept out of the page so a strict Content-Security-Policy (no inline script) can be used.
const INITIALIZER = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
});
`;

/**
 * As strict as the public pages for scripts (only this origin's files, no inline script, no eval).
 * Swagger UI sets style attributes and draws icons from data: URLs, so those two are allowed.
 */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Outcry API</title>
<link rel="stylesheet" href="/docs/assets/${assetTag}/swagger-ui.css">
</head>
<body>
<noscript>This page needs JavaScript to render the API reference; the document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
<script src="/docs/assets/${assetTag}/swagger-ui-bundle.js"></script>
<script src="/docs/assets/${assetTag}/init.js"></script>
</body>
</html>
`;

/** `/docs`: the OpenAPI document rendered by Swagger UI, every asset served by this process. */
export function registerDocsPage(app: App) {
  const files = new Map<string, StaticFile>();
  const fileNamed = (name: string) => {
    let file = files.get(name);
    if (!file && SWAGGER_UI_FILES.includes(name)) {
      file = loadStaticFile(join(swaggerUiDir, name));
      files.set(name, file);
    }
    return file;
  };

  app.get("/docs", (c) => {
    c.header("Cache-Control", "public, max-age=300");
    c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    c.header("X-Content-Type-Options", "nosniff");
    return c.html(PAGE);
  });
  app.get(`/docs/assets/${assetTag}/init.js`, (c) => {
    c.header("Cache-Control", "public, max-age=31536000, immutable");
    c.header("Content-Type", "text/javascript; charset=utf-8");
    return c.body(INITIALIZER);
  });
  app.get(`/docs/assets/${assetTag}/:name`, (c) => {
    const file = fileNamed(c.req.param("name"));
    return file ? sendStaticFile(c, file) : c.notFound();
  });
}
