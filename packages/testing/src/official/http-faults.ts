import { createHash } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

/**
 * Ways a status source goes wrong in the wild, injected into the next answers of a fake:
 * - status: an HTTP error (429 with Retry-After, 500, 503, 404), with an optional body;
 * - html: 200 with an HTML page (a login wall, a "we moved" page, a CDN's error page);
 * - garbage: 200 with the right content type and a body that is not what it claims;
 * - redirect-loop: 302 to a second URL that redirects back;
 * - moved: a redirect to another URL, which then answers normally if it is this fake's;
 * - slow: the right answer, after a delay (a timeout in the client should fire first).
 */
export type HttpFault =
  | { kind: "status"; status: number; retryAfter?: string; body?: string }
  | { kind: "html" }
  | { kind: "garbage"; body?: string }
  | { kind: "redirect-loop" }
  | { kind: "moved"; location: string; status?: 301 | 302 | 307 | 308 }
  | { kind: "slow"; delayMs: number };

interface Pending {
  remaining: number;
  fault: HttpFault;
}

/** A queue of faults for one fake document (or a whole fake), taken one per request. */
export class FaultQueue {
  readonly #pending: Pending[] = [];

  add(count: number, fault: HttpFault): void {
    this.#pending.push({ remaining: count, fault });
  }

  take(): HttpFault | undefined {
    const first = this.#pending[0];
    if (!first) return undefined;
    first.remaining--;
    if (first.remaining <= 0) this.#pending.shift();
    return first.fault;
  }
}

const HTML_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Status</title></head>
<body><h1>Our status page has moved</h1><p>Please update your bookmarks.</p></body></html>`;

/**
 * The answer a fault stands for, or undefined to answer normally (after a slow fault's delay).
 * `path` is the request's own path, for redirect loops.
 */
export async function faultResponse(
  fault: HttpFault | undefined,
  path: string,
  contentType: string,
): Promise<Response | undefined> {
  if (!fault) return undefined;
  switch (fault.kind) {
    case "status":
      return new Response(fault.body ?? `<html><body><h1>${fault.status}</h1></body></html>`, {
        status: fault.status,
        headers: {
          "content-type": "text/html; charset=utf-8",
          ...(fault.retryAfter !== undefined ? { "retry-after": fault.retryAfter } : {}),
        },
      });
    case "html":
      return new Response(HTML_PAGE, {
        status: 200,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    case "garbage":
      return new Response(fault.body ?? '{"page":{"id":"x","name":', {
        status: 200,
        headers: { "content-type": contentType },
      });
    case "redirect-loop": {
      const other = path.endsWith("/loop") ? path.slice(0, -"/loop".length) : `${path}/loop`;
      return new Response(null, { status: 302, headers: { location: other } });
    }
    case "moved":
      return new Response(null, { status: fault.status ?? 301, headers: { location: fault.location } });
    case "slow":
      await sleep(fault.delayMs);
      return undefined;
  }
}

/**
 * A document served with the validators real servers send: a weak ETag of the body and
 * Last-Modified; If-None-Match (or, without it, If-Modified-Since) that still matches gets a 304
 * with no body.
 */
export function conditionalResponse(
  request: Request,
  body: string,
  lastModifiedMs: number,
  contentType: string,
): Response {
  const etag = `W/"${createHash("sha1").update(body).digest("hex").slice(0, 32)}"`;
  const lastModified = new Date(Math.floor(lastModifiedMs / 1000) * 1000).toUTCString();
  const headers = {
    etag,
    "last-modified": lastModified,
    "cache-control": "max-age=0, private, must-revalidate",
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  const ifModifiedSince = request.headers.get("if-modified-since");
  const unchanged =
    ifNoneMatch !== null
      ? ifNoneMatch.split(",").some((tag) => weak(tag.trim()) === weak(etag))
      : ifModifiedSince !== null && Date.parse(ifModifiedSince) >= Date.parse(lastModified);
  if (unchanged) return new Response(null, { status: 304, headers });
  return new Response(body, { status: 200, headers: { ...headers, "content-type": contentType } });
}

function weak(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}

/** Starts a Hono app on a free port of 127.0.0.1. */
export async function listen(app: Hono): Promise<{ server: Server; url: string }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () =>
      resolve(listening as Server),
    );
    listening.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
