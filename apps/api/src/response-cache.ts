import { gzipSync } from "node:zlib";
import type { Context, MiddlewareHandler } from "hono";
import { COMPRESSIBLE_CONTENT_TYPE_REGEX } from "hono/compress";
import { LRUCache } from "lru-cache";
import type { AppEnv } from "./app-env.ts";

interface CachedResponse {
  // A Uint8Array and plain headers: @hono/node-server writes such a Response straight to the socket.
  body: Uint8Array<ArrayBuffer>;
  headers: Record<string, string>;
  /** The body gzipped, made the first time a client that takes gzip asks; never for a small body. */
  gzipped?: Uint8Array<ArrayBuffer>;
}

/** Below this a gzip header and footer eat most of the saving. */
const GZIP_MIN_BYTES = 1_024;

function gzipWorthIt(entry: CachedResponse): boolean {
  const type = entry.headers["content-type"] ?? "";
  return (
    entry.body.byteLength >= GZIP_MIN_BYTES &&
    COMPRESSIBLE_CONTENT_TYPE_REGEX.test(type) &&
    !/\bno-transform\b/i.test(entry.headers["cache-control"] ?? "")
  );
}

const takesGzip = (c: Context<AppEnv>) => /\bgzip\b/i.test(c.req.header("accept-encoding") ?? "");

/**
 * The answer from stored bytes, gzipped for a client that takes it: a day of minutes as JSON is
 * about 100 kB plain and 15 kB gzipped, which matters on a phone. The gzip is made once per
 * stored answer, not once per request, so a crowd reading one chart costs one compression a second.
 */
function respond(entry: CachedResponse, gzip: boolean, state?: "hit" | "stale" | "miss"): Response {
  const headers: Record<string, string> = { ...entry.headers, ...(state ? { "X-Cache": state } : {}) };
  if (!gzipWorthIt(entry)) return new Response(entry.body, { status: 200, headers });
  headers.Vary = headers.vary ? `${headers.vary}, Accept-Encoding` : "Accept-Encoding";
  delete headers.vary;
  if (!gzip) return new Response(entry.body, { status: 200, headers });
  entry.gzipped ??= new Uint8Array(gzipSync(entry.body, { level: 6 }));
  delete headers["content-length"];
  return new Response(entry.gzipped, { status: 200, headers: { ...headers, "Content-Encoding": "gzip" } });
}

async function stored(response: Response): Promise<CachedResponse> {
  return {
    body: new Uint8Array(await response.clone().arrayBuffer()),
    headers: Object.fromEntries(response.headers.entries()),
  };
}

/**
 * A microcache for public queries: identical GETs within `ttlMs` share one answer, and identical
 * GETs arriving while it is computed wait for it instead of each querying Postgres. A chart a
 * newsroom embeds is loaded by thousands of readers at once; this turns that into one query a
 * second, like a CDN in front would, whose Cache-Control the answers already carry.
 * While one request recomputes an expired answer, the others get the expired one at once instead
 * of waiting (stale while revalidate): a crowd refreshing a chart every second never queues behind
 * Postgres. Only 200s are kept; an answer is at most `ttlMs` plus one computation older than the data.
 * Answers go out gzipped to clients that take it (see respond).
 */
export function responseCache(options: { ttlMs: number; maxEntries?: number }): MiddlewareHandler<AppEnv> {
  // No caching: each answer is still sent gzipped to a client that takes it.
  if (options.ttlMs <= 0) {
    return async (c, next) => {
      await next();
      if (c.req.method === "GET" && c.res.status === 200) c.res = respond(await stored(c.res), takesGzip(c));
    };
  }
  const cache = new LRUCache<string, CachedResponse>({
    max: options.maxEntries ?? 2_000,
    ttl: options.ttlMs,
    // Large answers (a year of hours as CSV) count for more than small ones.
    maxSize: 64 * 1024 * 1024,
    sizeCalculation: (entry) => entry.body.byteLength + (entry.gzipped?.byteLength ?? 0) + 1,
    // An expired answer stays until replaced, to be served while its replacement is computed.
    noDeleteOnStaleGet: true,
  });
  const computing = new Map<string, Promise<CachedResponse | undefined>>();

  return async (c, next) => {
    if (c.req.method !== "GET") return next();
    const key = c.req.url;
    const gzip = takesGzip(c);
    const fresh = cache.get(key);
    if (fresh) {
      c.res = respond(fresh, gzip, "hit");
      return;
    }
    const pending = computing.get(key);
    if (pending) {
      const stale = cache.get(key, { allowStale: true });
      const ready = stale ?? (await pending);
      if (ready) {
        c.res = respond(ready, gzip, stale ? "stale" : "hit");
        return;
      }
    }
    let settle: (entry: CachedResponse | undefined) => void = () => {};
    computing.set(key, new Promise((resolve) => (settle = resolve)));
    let entry: CachedResponse | undefined;
    try {
      await next();
      if (c.res.status === 200) {
        entry = await stored(c.res);
        cache.set(key, entry);
        c.res = respond(entry, gzip, "miss");
      }
    } finally {
      computing.delete(key);
      settle(entry);
    }
  };
}
