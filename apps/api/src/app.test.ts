import { describe, expect, it } from "vitest";
import { newApp } from "./app.ts";
import type { ApiDeps } from "./app-env.ts";

/** Routes that are not part of the JSON API: the document itself, its page, metrics, web pages. */
const UNDOCUMENTED = /^\/($|openapi\.json$|docs|metrics$|assets\/|services\/|incidents\/)/;

describe("the OpenAPI document", () => {
  it("names every API route the app serves, with its method", async () => {
    // Building the app registers every route; no request is served, so no dependency is touched.
    const app = newApp({} as ApiDeps);
    const document = (await (await app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = app.routes
      .filter((route) => route.method !== "ALL" && !UNDOCUMENTED.test(route.path))
      .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(served.length).toBeGreaterThan(10);
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
  });
});
