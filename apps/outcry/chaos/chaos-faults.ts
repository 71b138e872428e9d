import { floodFromOneAddress, malformedRequests } from "./abuse-faults.ts";
import type { Fault } from "./chaos-fault.ts";
import { droppedConnections, slowClients } from "./client-faults.ts";
import { aggregatorKilledMidBatch, apiKilled, ingestKilled } from "./process-kills.ts";
import { postgresRestarted, redisRestarted } from "./store-restarts.ts";

/**
 * Every fault of a run, in the order they are injected: the slow clients first, since the server
 * takes up to 40 s to cut them off and that may run on while the others are injected.
 */
export const FAULTS: readonly Fault[] = [
  slowClients,
  droppedConnections,
  floodFromOneAddress,
  malformedRequests,
  apiKilled,
  aggregatorKilledMidBatch,
  ingestKilled,
  redisRestarted,
  postgresRestarted,
];
