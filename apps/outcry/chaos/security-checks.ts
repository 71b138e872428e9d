import { randomBytes } from "node:crypto";
import { ApiKeyScope } from "@outcry/core";
import type { ChaosSystem } from "./chaos-system.ts";
import { OutcryProcess } from "./outcry-process.ts";

/** One check of the sweep: what it looked at, and what it found wrong (nothing, when it passed). */
export interface SecurityCheck {
  readonly name: string;
  readonly detail: string;
  readonly failures: string[];
}

const CHECKS = {
  unauthenticated: "admin routes without a valid key: 401",
  forbidden: "admin routes with a key of another scope: 403",
  keysLogged: "keys never logged",
  csp: "pages send a strict Content-Security-Policy",
  versions: "responses reveal no software or version",
} as const;

/** The checks of every run, in order, by name: the test looks for each in the summary. */
export const SECURITY_CHECK_NAMES = Object.values(CHECKS);

/** What a response said, kept for the checks that read every answer of the sweep. */
interface Seen {
  request: string;
  status: number;
  headers: Headers;
  body: string;
}

/** Sends a request and keeps its answer for the sweep. */
type Send = (base: string, method: string, path: string, headers?: Record<string, string>) => Promise<Seen>;

/** A key that looks real and exists nowhere. */
const FORGED_KEY = `ocy_${randomBytes(32).toString("base64url")}`;
/** A whole key in a log line: the six characters of a key's public prefix are not enough to match. */
const KEY_IN_TEXT = /ocy_[A-Za-z0-9_-]{20,}/;
const ZERO_ID = "00000000-0000-4000-8000-000000000000";
const SCOPES = ApiKeyScope.options;

/**
 * The security sweep, run against the live system once the faults are over: every admin route of
 * the OpenAPI document without a key, with a forged one and with a key of another scope; every log
 * line of every process (one api replica logs each request at debug) searched for a key; the
 * pages' CSP; and every answer's headers and error bodies for server software, versions and stack
 * traces.
 */
export async function securityChecks(
  system: ChaosSystem,
  progress: (line: string) => void,
): Promise<SecurityCheck[]> {
  progress("security: starting an api replica that logs every request at debug level");
  const logged = await system.startExtra("api", { LOG_LEVEL: "debug", LOG_REQUESTS: "true" });
  const keys = await createKeys(system);
  const seen: Seen[] = [];
  const send: Send = async (base, method, path, headers = {}) => {
    const hasBody = method === "POST" || method === "PATCH" || method === "PUT";
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(hasBody ? { "content-type": "application/json" } : {}) },
      ...(hasBody ? { body: "{}" } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = {
      request: `${method} ${path}`,
      status: response.status,
      headers: response.headers,
      body: await response.text(),
    };
    seen.push(answer);
    return answer;
  };

  const admin = await sweepAdminRoutes(send, logged.apiUrl as string, keys);
  // The public surface, on a replica that took the load and the faults.
  const csp = await sweepPublicSurface(send, system.apiUrls[0] as string);
  const versions = check(
    CHECKS.versions,
    `${seen.length} answers: headers, error bodies, asset URLs, /metrics`,
  );
  for (const answer of seen) versions.failures.push(...revealing(answer));

  // Logs last: every request above has been answered, so its log line is written.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const keysLogged = checkLogs(system, logged, [...Object.values(keys), FORGED_KEY], admin.operations);
  return [admin.unauthenticated, admin.forbidden, keysLogged, csp, versions];
}

/** Every admin operation without a valid key (401), and with a live key of each other scope (403). */
async function sweepAdminRoutes(send: Send, base: string, keys: Record<ApiKeyScope, string>) {
  const document = JSON.parse((await send(base, "GET", "/openapi.json")).body) as OpenApiDocument;
  const operations = adminOperations(document);
  const unauthenticated = check(
    CHECKS.unauthenticated,
    `${operations.length} admin operations of /openapi.json, each without a key, with a forged one and with Basic credentials`,
  );
  const forbidden = check(
    CHECKS.forbidden,
    "each with a live key of every other scope, and one GET with the right scope",
  );
  if (operations.length === 0)
    unauthenticated.failures.push("/openapi.json declares no route with bearer security");
  for (const operation of operations) {
    for (const authorization of [undefined, `Bearer ${FORGED_KEY}`, "Basic YWRtaW46YWRtaW4="]) {
      const answer = await send(
        base,
        operation.method,
        operation.path,
        authorization ? { authorization } : {},
      );
      if (answer.status !== 401 || !/^Bearer\b/.test(answer.headers.get("www-authenticate") ?? "")) {
        unauthenticated.failures.push(
          `${answer.request} with ${authorization?.split(" ")[0] ?? "no"} key: ${answer.status}, WWW-Authenticate ${answer.headers.get("www-authenticate")}`,
        );
      }
    }
    for (const scope of SCOPES.filter((other) => other !== operation.scope)) {
      const answer = await send(base, operation.method, operation.path, {
        authorization: `Bearer ${keys[scope]}`,
      });
      if (answer.status !== 403)
        forbidden.failures.push(`${answer.request} with a ${scope} key: ${answer.status}`);
    }
  }
  // The keys work: a 403 above is the scope's doing, not an unknown key's.
  const readable = operations.find((operation) => operation.method === "GET");
  if (readable) {
    const answer = await send(base, "GET", readable.path, {
      authorization: `Bearer ${keys[readable.scope]}`,
    });
    if (answer.status !== 200)
      forbidden.failures.push(`${answer.request} with its own scope: ${answer.status}`);
  }
  return { unauthenticated, forbidden, operations: operations.length };
}

/** The pages' CSP and the chart's; also fetches the pages' assets and a spread of API answers. */
async function sweepPublicSurface(send: Send, base: string): Promise<SecurityCheck> {
  const pages = ["/", "/services/spotify", "/services/no-such-service", `/incidents/${ZERO_ID}`, "/docs"];
  const csp = check(CHECKS.csp, `${pages.join(", ")}, and the embeddable chart`);
  const assets = new Set<string>();
  for (const page of pages) {
    const answer = await send(base, "GET", page);
    csp.failures.push(...cspFailures(answer));
    for (const [, asset] of answer.body.matchAll(/(?:src|href)="(\/(?:docs\/)?assets\/[^"]+)"/g)) {
      assets.add(asset as string);
    }
  }
  for (const asset of assets) await send(base, "GET", asset);
  const chart = await send(base, "GET", "/v1/services/spotify/chart.svg");
  if (!/default-src 'none'/.test(chart.headers.get("content-security-policy") ?? "")) {
    csp.failures.push(
      `${chart.request}: Content-Security-Policy ${chart.headers.get("content-security-policy")}`,
    );
  }
  const paths = ["/healthz", "/readyz", "/metrics", "/v1/services", "/v1/nothing-here"];
  for (const path of [...paths, "/v1/services/spotify/series?from=yesterday"]) await send(base, "GET", path);
  await send(base, "POST", "/v1/reports");
  return csp;
}

/** No key in any log line of any process; the debug replica must have logged the sweep. */
function checkLogs(
  system: ChaosSystem,
  logged: OutcryProcess,
  secrets: string[],
  adminOperations: number,
): SecurityCheck {
  const logs = system.processes.flatMap((outcry) => outcry.output);
  const requestLines = logged.output.filter((line) => line.includes('"msg":"request"')).length;
  const keysLogged = check(
    CHECKS.keysLogged,
    `${logs.length.toLocaleString("en-US")} log lines of ${system.processes.length} processes, ${requestLines} of them request lines`,
  );
  // The check could not fail if nothing was logged.
  if (requestLines < adminOperations)
    keysLogged.failures.push(`only ${requestLines} requests were logged at debug level`);
  const leaks = logs.filter(
    (line) => KEY_IN_TEXT.test(line) || secrets.some((secret) => line.includes(secret)),
  );
  if (leaks.length > 0)
    keysLogged.failures.push(`${leaks.length} log lines hold a key, e.g. ${leaks[0]?.slice(0, 200)}`);
  return keysLogged;
}

function check(name: string, detail: string): SecurityCheck {
  return { name, detail, failures: [] };
}

/** A key of each scope, made as an operator would, with `outcry keys create`. */
async function createKeys(system: ChaosSystem): Promise<Record<ApiKeyScope, string>> {
  const keys = await Promise.all(
    SCOPES.map(async (scope) => {
      const { code, output } = await OutcryProcess.run(
        ["keys", "create", "--name", `chaos ${scope}`, "--scope", scope],
        system.env(),
      );
      const key = output.split("\n").find((line) => /^ocy_\S+$/.test(line));
      if (code !== 0 || !key)
        throw new Error(`outcry keys create --scope ${scope} failed (${code}):\n${output}`);
      return [scope, key] as const;
    }),
  );
  return Object.fromEntries(keys) as Record<ApiKeyScope, string>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>>;
}

/** Every operation the document says needs a bearer key, with a concrete path and the scope it names. */
function adminOperations(document: OpenApiDocument) {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).flatMap(([method, operation]) => {
      const scope = operation.security?.find((requirement) => requirement.bearerAuth)?.bearerAuth?.[0];
      if (!scope) return [];
      const concrete = path.replace("{slug}", "spotify").replace(/\{[^}]+\}/g, ZERO_ID);
      return [{ method: method.toUpperCase(), path: concrete, scope: scope as ApiKeyScope }];
    }),
  );
}

/** Why a page's Content-Security-Policy is not strict: scripts from this origin's files only. */
function cspFailures(page: Seen): string[] {
  const header = page.headers.get("content-security-policy");
  if (!header) return [`${page.request}: no Content-Security-Policy`];
  const directives = new Map(
    header
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name as string, sources]),
  );
  const failures: string[] = [];
  const scripts = directives.get("script-src") ?? directives.get("default-src");
  const loose = scripts?.filter((source) =>
    ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"].includes(source),
  );
  if (!scripts) failures.push("no script-src nor default-src");
  else if (loose?.length) failures.push(`script-src allows ${loose.join(" ")}`);
  const objects = directives.get("object-src") ?? directives.get("default-src");
  if (objects?.join(" ") !== "'none'")
    failures.push(`object-src is ${objects?.join(" ") ?? "unset"}, not 'none'`);
  for (const needed of ["default-src", "base-uri", "frame-ancestors"]) {
    if (!directives.has(needed)) failures.push(`no ${needed}`);
  }
  return failures.map((failure) => `${page.request}: ${failure}`);
}

/** Headers that name the server software, whatever their value. */
const SOFTWARE_HEADERS = ["server", "x-powered-by", "x-aspnet-version", "x-runtime", "x-version", "via"];

/** What an answer gives away: server software or versions in headers, stack traces, versioned asset URLs. */
function revealing(answer: Seen): string[] {
  const failures: string[] = [];
  for (const name of SOFTWARE_HEADERS) {
    const value = answer.headers.get(name);
    if (value !== null) failures.push(`${answer.request}: ${name}: ${value}`);
  }
  for (const [name, value] of answer.headers) {
    // A content type's version is its format's (Prometheus text 0.0.4), not the software's.
    if (name !== "content-type" && /node\.?js|hono|undici|\bv?\d+\.\d+\.\d+\b/i.test(value)) {
      failures.push(`${answer.request}: ${name}: ${value}`);
    }
  }
  if (answer.status >= 400 && /\n\s+at |node_modules|\.ts:\d+/.test(answer.body)) {
    failures.push(`${answer.request}: a ${answer.status} with a stack trace`);
  }
  if (answer.body.includes(process.version) || /nodejs_version_info/.test(answer.body)) {
    failures.push(`${answer.request}: names the Node.js version`);
  }
  if ((answer.headers.get("content-type") ?? "").startsWith("text/html")) {
    // This server's own URLs (absolute ones carry its address, which looks like a version).
    for (const url of answer.body.matchAll(/(?:src|href)="(\/[^"]*\d+\.\d+\.\d+[^"]*)"/g)) {
      failures.push(`${answer.request}: asset URL with a version number, ${url[1]}`);
    }
  }
  return failures;
}
