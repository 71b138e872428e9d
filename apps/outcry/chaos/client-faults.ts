import { setTimeout as sleep } from "node:timers/promises";
import { type Fault, type FaultOutcome, ready, recovery } from "./chaos-fault.ts";
import { answers } from "./chaos-system.ts";
import { dropConnectionsMidRequest, SlowClients } from "./misbehaving-clients.ts";

/**
 * How long the server may take to cut off a client that never finishes its body: its request
 * timeout (10 s) plus Node's check interval for it (connectionsCheckingInterval, 30 s), and slack.
 */
const SLOW_CLIENT_CUT_OFF_DEADLINE_MS = 60_000;

/**
 * Clients that send their headers and part of the body, then nothing, on api 1 (api 2 is killed
 * later, which would cut them off for the wrong reason). Recovered when api 1 answers a probe and
 * acknowledges a report while they hang; at the end, the server must have cut every one off.
 */
export const slowClients: Fault = {
  name: "slow clients (body never finished)",
  async inject({ system, load, plan }) {
    const api = system.replica("api 1");
    const injectedAt = Date.now();
    const clients = await SlowClients.open(api.process.apiUrl as string, plan.slowClients);
    const recoveredAt = await recovery(async () => load.lastCountedAt > injectedAt && (await ready(api)));
    const outcome: FaultOutcome = {
      fault: this.name,
      injectedAt,
      recoveredAt,
      notes: [`${plan.slowClients} on api 1`],
      unheard: 0,
      release: () => clients.destroy(),
      finalCheck: async () => {
        const deadline = clients.openedAt + SLOW_CLIENT_CUT_OFF_DEADLINE_MS;
        while (!clients.allCutOff && Date.now() < deadline) await sleep(100);
        const after = clients.cutOffAfterMs;
        if (after === undefined) {
          const open = clients.closedAt.filter((at) => at === undefined).length;
          return `${open} of ${plan.slowClients} slow clients were never cut off by the server`;
        }
        outcome.notes.push(`the server cut them off after ${(after / 1000).toFixed(1)} s`);
        return undefined;
      },
    };
    return outcome;
  },
};

/**
 * Sockets reset mid-request on both replicas, half before the body ended and half after it (those
 * may be counted with nobody hearing so). Recovered when both replicas answer /healthz.
 */
export const droppedConnections: Fault = {
  name: "connections reset mid-request",
  async inject({ system, plan }) {
    const injectedAt = Date.now();
    const { dropped, completeBodies } = await dropConnectionsMidRequest(
      system.apiUrls,
      plan.droppedConnections,
    );
    const apis = system.byRole("api");
    const recoveredAt = await recovery(async () =>
      (await Promise.all(apis.map((api) => answers(api.process.probeUrl("/healthz"))))).every(Boolean),
    );
    return {
      fault: this.name,
      injectedAt,
      recoveredAt,
      notes: [`${dropped} sockets reset, ${completeBodies} of them after the whole body`],
      unheard: completeBodies,
    };
  },
};
