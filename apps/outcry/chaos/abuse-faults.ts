import { type MalformedRequest, malformedRequest } from "@outcry/testing/malformed-requests";
import fc from "fast-check";
import { type Fault, type FaultOutcome, ready, recovery } from "./chaos-fault.ts";
import { CHAOS_RATE_LIMIT_PER_MINUTE } from "./chaos-system.ts";
import type { ReportLoad } from "./report-load.ts";

/** An address none of the simulated reporters has (TEST-NET-3, RFC 5737). */
const FLOODER = "203.0.113.66";

/**
 * Quiet services the steady load never reports: the flooder spreads over several of them, as an
 * attacker would to get round the one-report-per-service rule, and none may open an incident.
 */
const FLOODED_SERVICES = ["netflix", "youtube", "hulu", "twitch"] as const;

/** Requests the flooder keeps in flight at once. */
const FLOOD_CONCURRENCY = 16;

/** Runs `task(0)` to `task(count - 1)`, at most `concurrency` at a time, in order of their index. */
async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

interface FloodTally {
  accepted: number;
  counted: number;
  limited: number;
  limitedWithoutRetryAfter: number;
  /** Answers neither 202 nor 429, by status. */
  other: Map<string, number>;
  durationMs: number;
}

/** Sends `requests` reports from one address to api 1 as fast as it answers. */
async function flood(load: ReportLoad, requests: number): Promise<FloodTally> {
  const tally: FloodTally = {
    accepted: 0,
    counted: 0,
    limited: 0,
    limitedWithoutRetryAfter: 0,
    other: new Map(),
    durationMs: 0,
  };
  const started = Date.now();
  await inParallel(requests, FLOOD_CONCURRENCY, async (index) => {
    const service = FLOODED_SERVICES[index % FLOODED_SERVICES.length] as string;
    const answer = await load.sendAs(FLOODER, { service, problem: "website", region: "FR" });
    if (answer.status === 202) {
      tally.accepted++;
      if (answer.counted) tally.counted++;
    } else if (answer.status === 429) {
      tally.limited++;
      // Retry-After in whole seconds, at least one (RFC 9110 §10.2.3).
      if (!/^[1-9]\d*$/.test(answer.retryAfter ?? "")) tally.limitedWithoutRetryAfter++;
    } else {
      const status = String(answer.status);
      tally.other.set(status, (tally.other.get(status) ?? 0) + 1);
    }
  });
  tally.durationMs = Date.now() - started;
  return tally;
}

/** Why the flood's answers are wrong, or an empty list. */
function floodFailures(tally: FloodTally, requests: number): string[] {
  // The limit is a sliding minute: a flood running t seconds gets up to limit × (1 + t/60) through.
  const allowed = Math.ceil(CHAOS_RATE_LIMIT_PER_MINUTE * (1 + tally.durationMs / 60_000));
  const failures: string[] = [];
  if (tally.accepted > allowed) {
    failures.push(
      `${tally.accepted} of ${requests} flood requests accepted, more than the limit's ${allowed}`,
    );
  }
  if (tally.counted > FLOODED_SERVICES.length) {
    failures.push(
      `one address was counted ${tally.counted} times over ${FLOODED_SERVICES.length} services: the dedupe let it through`,
    );
  }
  if (tally.limitedWithoutRetryAfter > 0) {
    failures.push(
      `${tally.limitedWithoutRetryAfter} flood answers were 429 without a Retry-After in seconds`,
    );
  }
  if (tally.other.size > 0) {
    failures.push(`flood answers other than 202 and 429: ${JSON.stringify(Object.fromEntries(tally.other))}`);
  }
  return failures;
}

/**
 * One address sends hundreds of reports in a few seconds over several quiet services. It must get
 * 429 with Retry-After past the rate limit, be counted at most once per service, and open no
 * incident; the other reporters must go on being counted meanwhile (recovered: a steady report is
 * counted after the flood ended).
 */
export const floodFromOneAddress: Fault = {
  name: "flood from one address",
  async inject({ load, plan, sql }) {
    const injectedAt = Date.now();
    const tally = await flood(load, plan.floodRequests);
    const endedAt = Date.now();
    const recoveredAt = await recovery(async () => load.lastCountedAt > endedAt);
    const failures = floodFailures(tally, plan.floodRequests);
    const outcome: FaultOutcome = {
      fault: this.name,
      injectedAt,
      endedAt,
      recoveredAt,
      notes: [
        `${plan.floodRequests} requests from ${FLOODER} in ${(tally.durationMs / 1000).toFixed(1)} s over ${FLOODED_SERVICES.join(", ")}: ${tally.accepted} accepted (${tally.counted} counted), ${tally.limited} refused with 429 and Retry-After`,
      ],
      unheard: 0,
      finalCheck: async () => {
        const [row] = await sql`
          select count(*)::int as n from incidents where service = any(${[...FLOODED_SERVICES]})`;
        if (row?.n) failures.push(`the flood opened ${row.n} incidents`);
        else outcome.notes.push("no incident opened on them");
        return failures.length > 0 ? failures.join("; ") : undefined;
      },
    };
    return outcome;
  },
};

/** Malformed requests in flight at once: a busy bad client, beside the steady load. */
const MALFORMED_CONCURRENCY = 8;

/**
 * Generated malformed requests (the api's property test's generator) to every public route of
 * api 1 while the load runs: each must get a 4xx, never a 5xx, and no report POST among them may
 * be accepted (202 is the only way into the count). Recovered when api 1 is ready afterwards.
 */
export const malformedRequests: Fault = {
  name: "malformed requests (generated)",
  async inject({ system, plan }) {
    const api = system.replica("api 1");
    const base = api.process.apiUrl as string;
    const injectedAt = Date.now();
    const seed = injectedAt % 2 ** 31;
    const requests = fc.sample(malformedRequest, { numRuns: plan.malformedRequests, seed });
    const statuses = new Map<string, number>();
    const failures: string[] = [];
    await inParallel(requests.length, MALFORMED_CONCURRENCY, async (index) => {
      const request = requests[index] as MalformedRequest;
      const status = await fetch(`${base}${request.path}`, {
        method: request.method,
        ...(request.method === "POST" ? { body: request.body, headers: request.headers } : {}),
        signal: AbortSignal.timeout(10_000),
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        (error: Error) => `no answer (${error.name})`,
      );
      statuses.set(String(status), (statuses.get(String(status)) ?? 0) + 1);
      const what = `${request.method} ${request.path.slice(0, 120)}`;
      if (typeof status !== "number") failures.push(`${what}: ${status}`);
      else if (status >= 500) failures.push(`${what}: ${status}`);
      else if (request.method === "POST" && status < 400) failures.push(`${what}: accepted with ${status}`);
    });
    const endedAt = Date.now();
    const recoveredAt = await recovery(() => ready(api));
    const answers = [...statuses]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${count} × ${status}`)
      .join(", ");
    return {
      fault: this.name,
      injectedAt,
      endedAt,
      recoveredAt,
      notes: [`${requests.length} to api 1 (fast-check seed ${seed}): ${answers}`],
      unheard: 0,
      finalCheck: async () =>
        failures.length === 0
          ? undefined
          : `${failures.length} malformed requests were not refused with a 4xx, e.g. ${failures.slice(0, 3).join("; ")}`,
    };
  },
};
