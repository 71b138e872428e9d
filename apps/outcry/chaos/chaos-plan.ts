/** How hard and how long a chaos run pushes. */
export interface ChaosPlan {
  readonly name: "quick" | "full";
  /** Reports per second offered over both api replicas. */
  readonly ratePerSecond: number;
  /** Requests in flight at most: the load stays bounded when the api slows down. */
  readonly concurrency: number;
  /** Steady load before the first fault. */
  readonly warmupMs: number;
  /** Steady load after each fault has recovered, before the next: the outside-fault windows. */
  readonly settleMs: number;
  readonly slowClients: number;
  readonly droppedConnections: number;
  /** Reports one address sends as fast as it can, far past the rate limit. */
  readonly floodRequests: number;
  /** Generated malformed requests to every public route (the issue asks for 10,000 in the proof). */
  readonly malformedRequests: number;
  /** How long the queues get to drain once the load stops. */
  readonly drainTimeoutMs: number;
  /** Targets of the full run, reported (not enforced: they depend on the machine). */
  readonly targets: { recoveryMs: number; p99AckMs: number };
}

const TARGETS = { recoveryMs: 10_000, p99AckMs: 200 };

/** For CI: under two minutes on a two-core machine, every fault once. */
export const QUICK_PLAN: ChaosPlan = {
  name: "quick",
  ratePerSecond: 200,
  concurrency: 32,
  warmupMs: 3_000,
  settleMs: 3_000,
  slowClients: 10,
  droppedConnections: 40,
  floodRequests: 300,
  malformedRequests: 1_000,
  drainTimeoutMs: 30_000,
  targets: TARGETS,
};

/** The proof: the rate of the target, with long steady stretches between faults. */
export const FULL_PLAN: ChaosPlan = {
  name: "full",
  ratePerSecond: 2_000,
  concurrency: 256,
  warmupMs: 15_000,
  settleMs: 15_000,
  slowClients: 20,
  droppedConnections: 200,
  floodRequests: 2_000,
  malformedRequests: 10_000,
  drainTimeoutMs: 120_000,
  targets: TARGETS,
};
