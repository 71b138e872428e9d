import { loadSeedCatalog } from "@outcry/core";
import { describe, expect, it } from "vitest";
import { PostScanner, serviceNameIn } from "./post-scanner.ts";
import { TermMatcher } from "./term-matcher.ts";

describe("PostScanner", () => {
  const scanner = new PostScanner(loadSeedCatalog());
  const services = (text: string) => scanner.scan(text)?.mentions.map((mention) => mention.service);

  it("lets through posts with an outage word or an unambiguous service name, and no others", () => {
    expect(scanner.scan("what a lovely day for a walk")).toBeUndefined();
    expect(scanner.scan("zoom in on the photo, then lunch")).toBeUndefined();
    expect(scanner.scan("just made a new spotify playlist")).toEqual({
      keywords: [],
      mentions: [expect.objectContaining({ service: "spotify" })],
    });
    expect(services("spotify is down")).toEqual(["spotify"]);
    expect(services("ドコモ繋がらない")).toEqual(["ntt-docomo"]);
  });

  it("finds misspelt names where there is an outage word, also beside a name spelt right", () => {
    expect(scanner.scan("spotfy not working")?.mentions[0]).toMatchObject({
      service: "spotify",
      similarity: expect.any(Number),
    });
    expect(services("dicsord down??")).toEqual(["discord"]);
    // The complaint is about the misspelt one: it must reach the classifier as a candidate.
    expect(services("spotfy down so i'm on deezer")).toEqual(["deezer", "spotify"]);
    expect(services("youtbe won't play anything but twitch works")).toEqual(["twitch", "youtube"]);
    // No outage word, no search: misspellings are looked for only in posts the prefilter keeps.
    expect(scanner.scan("spotfy and chill")).toBeUndefined();
  });

  it("matches names of several words hyphenated, as compounds write them", () => {
    expect(services("die apple-pay-zahlung wird abgebrochen")).toEqual(["apple-pay"]);
    expect(services("ing-app meldet mich ab")).toEqual(["ing"]);
  });

  it("does not let a longer, ambiguous phrase hide an unambiguous name inside it", () => {
    // "github actions" is a catalog phrase's name; "github" alone is an alias.
    expect(scanner.scan("github actions stehen alle in der warteschlange")?.mentions).toEqual([
      expect.objectContaining({ service: "github", weak: false }),
    ]);
  });

  it("knows the names people write that the catalog leaves out (colloquial-names.ts)", () => {
    expect(services("チームズ落ちてる")).toEqual(["microsoft-teams"]);
    expect(services("ブルスカ重すぎ")).toEqual(["bluesky"]);
  });

  it("treats names that are ordinary words as weak mentions", () => {
    expect(scanner.scan("zoom is down")?.mentions[0]).toMatchObject({ service: "zoom", weak: true });
    expect(scanner.scan("slack is down")?.mentions[0]).toMatchObject({ service: "slack", weak: true });
  });

  it("takes the longest stretch between outage words as a phrase's service name", () => {
    const outage = new TermMatcher([
      { text: "down", data: null },
      { text: "server", data: null, prefix: true },
      { text: "panne", data: null },
    ]);
    const name = (phrase: string) => {
      const span = serviceNameIn(phrase, outage.find(phrase));
      return phrase.slice(span.nameStart, span.nameEnd);
    };
    expect(name("sbi server down")).toBe("sbi");
    expect(name("panne livebox")).toBe("livebox");
    expect(name("zoom down")).toBe("zoom");
  });
});
