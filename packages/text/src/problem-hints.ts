import type { Service } from "@outcry/core";
import { keywordTerms, PROBLEM_HINTS, PROBLEM_KEYWORDS, type ProblemHint } from "./outage-vocabulary.ts";
import { TermMatcher } from "./term-matcher.ts";

export interface ProblemMatch {
  /** One of the service's own problem ids (catalog), so it counts like a report's problem. */
  problem: string;
  hint: ProblemHint;
  confidence: number;
}

// Services name the same trouble differently (a bank's "online-banking" is a streamer's "website"):
// each hint maps to the catalog ids that mean it, most specific first.
const CATALOG_IDS: Record<ProblemHint, readonly string[]> = {
  login: ["login", "auth"],
  payments: [
    "payments",
    "card-payments",
    "online-payments",
    "checkout",
    "transfers",
    "card",
    "pix",
    "upi",
    "wallet",
    "purchases",
  ],
  playback: ["playback", "video", "audio", "live-streams", "live", "streaming"],
  app: ["app", "mobile-app", "apps", "game-crash"],
  website: ["website", "online-banking", "dashboard", "storefront"],
  connection: [
    "connection",
    "internet",
    "server-connection",
    "mobile-data",
    "signal",
    "multiplayer",
    "calls",
    "outage",
  ],
};

/** Which problem a complaint names ("can't log in" -> login), in the service's own terms. */
export class ProblemHints {
  readonly #matcher: TermMatcher<ProblemHint>;

  constructor() {
    this.#matcher = new TermMatcher(
      PROBLEM_HINTS.flatMap((hint) =>
        keywordTerms(PROBLEM_KEYWORDS[hint]).map((term) => ({ ...term, data: hint })),
      ),
    );
  }

  /** Every kind of problem the text names, whatever the service. */
  find(text: string): Set<ProblemHint> {
    return new Set(this.#matcher.find(text).map((hit) => hit.data));
  }

  match(text: string, service: Service, found = this.find(text)): ProblemMatch | undefined {
    // PROBLEM_HINTS is in priority order: "can't log in to the app" is a login problem.
    for (const hint of PROBLEM_HINTS) {
      if (!found.has(hint)) continue;
      const problem = CATALOG_IDS[hint].find((id) => service.problems.some((type) => type.id === id));
      if (problem) return { problem, hint, confidence: found.size === 1 ? 0.8 : 0.6 };
    }
    return undefined;
  }
}
