import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** A check slower than this counts as down: readiness must answer quickly to be useful. */
const CHECK_TIMEOUT_MS = 1_000;

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Named dependency checks for /readyz (postgres, redis): each resolves when its dependency answers. */
export type ReadinessChecks = Record<string, () => Promise<void>>;

/**
 * /metrics, /healthz and /readyz for a process that runs no api (`--role ingest` or `--role
 * aggregator` alone), so Prometheus can scrape every role and Kubernetes can probe it. /readyz
 * answers like the api's: 200 when every check passes, else 503 with `Retry-After`. A role inside
 * the api's process is served there.
 */
export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
  readiness: ReadinessChecks,
): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    if (request.method === "GET" && request.url === "/metrics") {
      registry.metrics().then(
        (body) => response.writeHead(200, { "content-type": registry.contentType }).end(body),
        () => response.writeHead(500).end(),
      );
    } else if (request.method === "GET" && request.url === "/healthz") {
      response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    } else if (request.method === "GET" && request.url === "/readyz") {
      checkReadiness(readiness).then(({ ready, checks }) => {
        const headers = { "content-type": "application/json", ...(ready ? {} : { "retry-after": "5" }) };
        response
          .writeHead(ready ? 200 : 503, headers)
          .end(JSON.stringify({ status: ready ? "ready" : "unavailable", checks }));
      });
    } else {
      response
        .writeHead(404, { "content-type": "application/json" })
        .end('{"error":{"code":"not_found","message":"only /metrics, /healthz and /readyz here"}}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`port ${port} on ${host} is already in use; set PORT to another one`)
          : error,
      ),
    );
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function checkReadiness(
  readiness: ReadinessChecks,
): Promise<{ ready: boolean; checks: Record<string, "ok" | "down"> }> {
  const entries = Object.entries(readiness);
  const results = await Promise.all(entries.map(([, check]) => passes(check, CHECK_TIMEOUT_MS)));
  const checks = Object.fromEntries(
    entries.map(([name], index) => [name, results[index] ? ("ok" as const) : ("down" as const)]),
  );
  return { ready: results.every(Boolean), checks };
}

async function passes(check: () => Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([check().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
