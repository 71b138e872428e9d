import { describe, expect, it } from "vitest";
import { Catalog } from "../service.ts";
import { CatalogIndex } from "./catalog-index.ts";
import { loadSeedCatalog } from "./seed-catalog.ts";

describe("seed catalog", () => {
  const catalog = loadSeedCatalog();

  it("ships at least 100 services across the kinds people report", () => {
    expect(catalog.length).toBeGreaterThanOrEqual(100);
    const categories = new Set(catalog.map((service) => service.category));
    for (const category of ["streaming", "social", "messaging", "cloud", "bank", "gaming", "isp", "mobile"]) {
      expect(categories).toContain(category);
    }
  });

  it("covers banks and carriers of several countries", () => {
    const countriesOf = (category: string) =>
      new Set(
        catalog.filter((service) => service.category === category).flatMap((service) => service.countries),
      );
    expect(countriesOf("bank").size).toBeGreaterThanOrEqual(5);
    expect(countriesOf("mobile").size).toBeGreaterThanOrEqual(5);
  });

  it("gives Spotify its own problem types", () => {
    const spotify = new CatalogIndex(catalog).get("spotify");
    expect(spotify?.problems.map((problem) => problem.id)).toEqual(
      expect.arrayContaining(["app", "login", "playback", "website"]),
    );
  });
});

describe("Catalog", () => {
  const service = {
    slug: "a-service",
    name: "A",
    category: "other",
    aliases: ["a service"],
    problems: [{ id: "app", label: "App" }],
  };

  it("refuses two services with one slug or one alias", () => {
    const duplicateSlug = Catalog.safeParse([service, { ...service, aliases: ["other"] }]);
    expect(duplicateSlug.error?.issues[0]?.message).toContain("duplicate slug");
    const sharedAlias = Catalog.safeParse([service, { ...service, slug: "b-service" }]);
    expect(sharedAlias.error?.issues[0]?.message).toContain('alias "a service"');
  });
});
