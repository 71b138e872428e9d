import type { Service } from "@outcry/core";
import { describe, expect, it } from "vitest";
import { WebAssets } from "../web-assets.ts";
import { type HomePageData, matchesQuery, renderHomePage } from "./home-page.ts";

const service = (slug: string, name: string, aliases: string[] = [slug]): Service => ({
  slug,
  name,
  category: "streaming",
  countries: [],
  aliases,
  keywords: [],
  problems: [{ id: "app", label: "App" }],
});

describe("the home page", () => {
  const assets = WebAssets.load();
  const hostile = service("evil", `</li><script>alert(1)</script>`);
  const data: HomePageData = {
    services: [
      { service: service("spotify", "Spotify"), status: "problems", matches: true },
      { service: hostile, status: "ok", matches: false },
      { service: service("cafe", "Café Streams"), status: "unknown", matches: false },
    ],
    query: "spot",
    incidents: [],
    serviceName: (slug) => slug,
  };

  it("shows a hostile service name as text", () => {
    const page = renderHomePage(data, assets);
    expect(page).not.toContain("<script>alert(1)");
    expect(page).toContain("&lt;/li&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("keeps the search in the box and hides, without removing, the services it does not match", () => {
    const page = renderHomePage(data, assets);
    expect(page).toContain('name="q" value="spot"');
    expect(page).toContain("1 of 3 services match “spot”");
    expect(page).toMatch(/<li data-slug="spotify" data-search="[^"]*">/);
    expect(page).toMatch(/<li data-slug="evil" data-search="[^"]*" hidden>/);
    expect(page).toContain(
      '<span class="status-label status-problems" data-status="problems">Problems</span>',
    );
    expect(page).toContain("1 service shows problems right now.");
  });

  it("matches every word, in names, slugs and aliases, without minding case or accents", () => {
    const cafe = service("cafe-streams", "Café Streams", ["cafe tv"]);
    expect(matchesQuery(cafe, "CAFE")).toBe(true);
    expect(matchesQuery(cafe, "café tv")).toBe(true);
    expect(matchesQuery(cafe, "cafe radio")).toBe(false);
    expect(matchesQuery(cafe, "streaming")).toBe(true);
    expect(matchesQuery(cafe, "  ")).toBe(true);
  });
});
