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

  it("finds misspelt names, but only when no name matched exactly", () => {
    expect(scanner.scan("spotfy not working")?.mentions[0]).toMatchObject({
      service: "spotify",
      similarity: expect.any(Number),
    });
    expect(services("dicsord down??")).toEqual(["discord"]);
    expect(services("discord down, spotfy too")).toEqual(["discord"]);
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
