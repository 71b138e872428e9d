import { loadSeedCatalog } from "@outcry/core";
import { describe, expect, it } from "vitest";
import { ProblemHints } from "./problem-hints.ts";

describe("ProblemHints", () => {
  const hints = new ProblemHints();
  const catalog = new Map(loadSeedCatalog().map((service) => [service.slug, service]));
  const problem = (text: string, service: string) =>
    hints.match(text, catalog.get(service) as never)?.problem;

  it("names the problem in the service's own catalog terms", () => {
    expect(problem("can't log in to spotify", "spotify")).toBe("login");
    expect(problem("spotify won't play any song", "spotify")).toBe("playback");
    expect(problem("no consigo pagar con la tarjeta", "bbva")).toMatch(/payments|card/);
    expect(problem("ドコモ圏外、通信できない", "ntt-docomo")).toBeDefined();
  });

  it("prefers the more specific problem when a post names several", () => {
    expect(problem("the spotify app won't let me log in", "spotify")).toBe("login");
  });

  it("says nothing when the post does not say what broke", () => {
    expect(problem("spotify is down", "spotify")).toBeUndefined();
  });
});
