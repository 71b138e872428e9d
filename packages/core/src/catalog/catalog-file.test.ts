import { describe, expect, it } from "vitest";
import { CatalogFileError, parseCatalogFile, withCatalogFile } from "./catalog-file.ts";
import { loadSeedCatalog } from "./seed-catalog.ts";

const own = {
  slug: "intranet",
  name: "Intranet",
  category: "productivity",
  aliases: ["our intranet"],
  problems: [{ id: "login", label: "Login" }],
  official: [{ kind: "statuspage", url: "https://status.example.org", components: ["Intranet"] }],
};

function problemsOf(text: string): string[] {
  try {
    parseCatalogFile(text, "/etc/outcry/catalog.json");
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogFileError);
    return (error as CatalogFileError).problems;
  }
  throw new Error("the file was accepted");
}

describe("CATALOG_FILE", () => {
  it("adds its services to the seed and replaces a seed service of the same slug whole", () => {
    const seed = loadSeedCatalog();
    const spotify = seed.find((service) => service.slug === "spotify");
    const ownSpotify = { ...spotify, official: [{ kind: "feed", url: "https://status.example.org/feed" }] };
    const catalog = withCatalogFile(
      seed,
      parseCatalogFile(JSON.stringify([own, ownSpotify]), "catalog.json"),
      "catalog.json",
    );
    expect(catalog).toHaveLength(seed.length + 1);
    expect(catalog.find((service) => service.slug === "intranet")?.official).toEqual(own.official);
    expect(catalog.find((service) => service.slug === "spotify")?.official).toEqual([
      { kind: "feed", url: "https://status.example.org/feed" },
    ]);
    expect(catalog.find((service) => service.slug === "github")?.official?.[0]?.kind).toBe("statuspage");
  });

  it("turns a seed service's sources off with an empty list", () => {
    const seed = loadSeedCatalog();
    const github = seed.find((service) => service.slug === "github");
    const catalog = withCatalogFile(seed, [{ ...github, official: [] } as never], "catalog.json");
    expect(catalog.find((service) => service.slug === "github")?.official).toEqual([]);
  });

  it("names the entry (index and slug) and the field of every problem", () => {
    const problems = problemsOf(
      JSON.stringify([
        own,
        { ...own, slug: "second", aliases: ["second"], official: [{ kind: "statuspage", url: "ftp://x" }] },
        { ...own, slug: "third", aliases: ["third"], official: [{ kind: "rss", url: "https://x.example" }] },
      ]),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(
      /^CATALOG_FILE \/etc\/outcry\/catalog.json: entry 1 \(second\) official\.0\.url: must be an http\(s\) URL$/,
    );
    expect(problems[1]).toMatch(/entry 2 \(third\) official\.0\.kind: /);
  });

  it("refuses a misspelt field instead of ignoring it", () => {
    const problems = problemsOf(
      JSON.stringify([
        { ...own, official: [{ kind: "statuspage", url: "https://x.example", component: ["A"] }] },
      ]),
    );
    expect(problems.join("\n")).toMatch(/entry 0 \(intranet\) official\.0: .*component/);
    expect(problemsOf(JSON.stringify([{ ...own, alias: ["x"] }])).join("\n")).toMatch(/entry 0 \(intranet\)/);
  });

  it("says so when the file is not JSON or not a list", () => {
    expect(problemsOf("[{ broken")[0]).toMatch(/catalog.json: not valid JSON/);
    expect(problemsOf('{"slug": "x"}')[0]).toMatch(/must be a JSON array of services/);
  });

  it("refuses an alias that clashes with a seed service it does not replace", () => {
    const clash = { ...own, aliases: ["spotify"] };
    expect(() =>
      withCatalogFile(loadSeedCatalog(), parseCatalogFile(JSON.stringify([clash]), "c.json"), "c.json"),
    ).toThrow(/alias "spotify" of intranet is already used by spotify/);
  });
});

describe("official sources in the seed", () => {
  it("name a Statuspage or feed for the providers that publish one, each at most once", () => {
    const catalog = loadSeedCatalog();
    const withSources = catalog.filter((service) => (service.official ?? []).length > 0);
    expect(withSources.length).toBeGreaterThanOrEqual(30);
    const kinds = new Set(withSources.flatMap((service) => service.official?.map((source) => source.kind)));
    expect(kinds).toEqual(new Set(["statuspage", "feed", "bluesky"]));
    expect(catalog.find((service) => service.slug === "github-copilot")?.official).toEqual([
      { kind: "statuspage", url: "https://www.githubstatus.com", components: ["Copilot"] },
    ]);
  });
});
